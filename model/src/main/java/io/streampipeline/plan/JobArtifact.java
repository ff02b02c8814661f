package io.streampipeline.plan;

/** Where the bundled job lives in its image and how it is started: shared by the operator and the job build. */
public final class JobArtifact {

  /** Path of the job jar inside the job image. */
  public static final String JAR_PATH = "/opt/flink/usrlib/streampipeline-job.jar";

  /** The jar as the FlinkDeployment's {@code spec.job.jarURI} names it. */
  public static final String JAR_URI = "local://" + JAR_PATH;

  /** The job's main class. */
  public static final String ENTRY_CLASS = "io.streampipeline.job.PipelineJob";

  /**
   * The job jar's upgrade check, run with {@code java} in a Kubernetes Job of the job image
   * ({@link UpgradeCheckProtocol}).
   */
  public static final String UPGRADE_CHECK_CLASS = "io.streampipeline.job.upgrade.UpgradeCheckMain";

  /** The class path of the upgrade check in the job image: Flink's own jars, then the job jar. */
  public static final String UPGRADE_CHECK_CLASS_PATH = "/opt/flink/lib/*:" + JAR_PATH;

  private JobArtifact() {}
}
