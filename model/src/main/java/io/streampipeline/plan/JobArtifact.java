package io.streampipeline.plan;

/** Where the bundled job lives in its image and how it is started: shared by the operator and the job build. */
public final class JobArtifact {

  /** Path of the job jar inside the job image. */
  public static final String JAR_PATH = "/opt/flink/usrlib/streampipeline-job.jar";

  /** The jar as the FlinkDeployment's {@code spec.job.jarURI} names it. */
  public static final String JAR_URI = "local://" + JAR_PATH;

  /** The job's main class. */
  public static final String ENTRY_CLASS = "io.streampipeline.job.PipelineJob";

  private JobArtifact() {}
}
