package io.streampipeline.operator.children;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.streampipeline.model.JobSpec;
import io.streampipeline.model.StateStorageSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.plan.Problem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline's state storage: which one applies (the pipeline's own, else the operator's default), whether it can
 * work, and what it takes in the FlinkDeployment (directories, S3 settings, environment from a Secret, a volume).
 * The one place that decides which storage configurations can work: a FlinkDeployment whose state cannot outlive
 * its pods, or whose pods cannot even create their state directory, is never created.
 */
public final class StateStorage {

  /** Keys of the credentials Secret, also the variables the S3 plugin's AWS credential chain reads. */
  public static final List<String> CREDENTIAL_KEYS = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  /** The official Flink image's entrypoint copies these jars from /opt/flink/opt into plugins/. */
  public static final String PLUGINS_ENV = "ENABLE_BUILT_IN_PLUGINS";
  /**
   * The S3 filesystem of the job image's Flink release (job/pom.xml builds on flink:1.20.3): Hadoop's S3A, which
   * also reads AWS_* environment variables and supports web identity tokens.
   */
  public static final String S3_PLUGIN_JAR = "flink-s3-fs-hadoop-1.20.3.jar";
  /** The pod volume holding a PVC's state. */
  public static final String VOLUME = "flink-state";

  private static final Set<String> S3_SCHEMES = Set.of("s3", "s3a");
  private static final String PIPELINE_FIELD = "spec.job.stateStorage";
  private static final String DEFAULT_FIELD =
      "the operator's default state storage (Helm value job.stateStorage, env STREAMPIPELINE_STATE_*)";

  private final StateStorageSpec spec;
  private final String field;
  private final URI base;

  private StateStorage(StateStorageSpec spec, String field, URI base) {
    this.spec = spec;
    this.field = field;
    this.base = base;
  }

  /** The storage the pipeline's FlinkDeployment uses: its own when it names one, else the operator's default. */
  public static StateStorage of(StreamPipeline pipeline, OperatorConfig config) {
    JobSpec job = pipeline.getSpec().getJob();
    boolean own = job != null && job.getStateStorage() != null;
    StateStorageSpec spec = own ? job.getStateStorage() : config.stateStorage();
    return new StateStorage(spec, own ? PIPELINE_FIELD : DEFAULT_FIELD, parse(spec));
  }

  /** Why this storage cannot hold a pipeline's state; empty when it can. */
  public List<Problem> problems() {
    List<Problem> problems = new ArrayList<>();
    String uriField = field.equals(PIPELINE_FIELD) ? field + ".uri" : field;
    if (spec == null || spec.getUri() == null || spec.getUri().isBlank()) {
      problems.add(new Problem(PIPELINE_FIELD, "no state storage: the pipeline names none and the operator has no"
          + " default (Helm value job.stateStorage)"));
      return problems;
    }
    if (base == null || base.getScheme() == null) {
      problems.add(new Problem(uriField, "'" + spec.getUri() + "' is not an absolute URI such as s3://bucket/prefix"
          + " or file:///flink-data"));
      return problems;
    }
    String scheme = base.getScheme();
    if (isS3()) {
      if (base.getHost() == null || base.getHost().isBlank()) {
        problems.add(new Problem(uriField, "'" + spec.getUri() + "' names no bucket (s3://BUCKET/PREFIX)"));
      }
      if (spec.getPvc() != null) {
        problems.add(new Problem(field + ".pvc", "a PersistentVolumeClaim is mounted only for a file:// uri, not "
            + scheme + "://"));
      }
    } else if ("file".equals(scheme)) {
      if (spec.getPvc() == null) {
        problems.add(new Problem(uriField, "'" + spec.getUri() + "' is on the pods' own disk: no volume is mounted"
            + " there, so the Flink user cannot create it and state would die with the pod; set " + field
            + ".pvc.claimName to mount a PersistentVolumeClaim there, or use an s3:// uri"));
      }
      if (mountPath().equals("/") || mountPath().startsWith("/opt/flink")) {
        problems.add(new Problem(uriField, "'" + spec.getUri() + "': a volume cannot be mounted at " + mountPath()
            + " (the root or the Flink image's own directory)"));
      }
      if (spec.getS3() != null) {
        problems.add(new Problem(field + ".s3", "S3 settings apply only to an s3:// or s3a:// uri"));
      }
    } else {
      problems.add(new Problem(uriField, "scheme " + scheme + ":// is not supported: use s3:// or s3a://"
          + " (S3-compatible object storage) or file:// with a PersistentVolumeClaim"));
    }
    return problems;
  }

  public boolean isS3() {
    return base != null && S3_SCHEMES.contains(base.getScheme());
  }

  public boolean isPvc() {
    return base != null && "file".equals(base.getScheme()) && spec.getPvc() != null;
  }

  public StateStorageSpec spec() {
    return spec;
  }

  /** The pipeline's own directory: {@code <uri>/<namespace>/<name>}, so that pipelines never share state. */
  public String pipelineDir(StreamPipeline pipeline) {
    return spec.getUri().replaceAll("/+$", "") + "/" + pipeline.getMetadata().getNamespace() + "/"
        + pipeline.getMetadata().getName();
  }

  /** Where the PVC is mounted: the file:// uri's path. */
  public String mountPath() {
    String path = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
    return path.isEmpty() ? "/" : path;
  }

  /** Flink configuration the storage needs besides its directories: the S3 endpoint and addressing. */
  Map<String, String> flinkConfiguration() {
    Map<String, String> conf = new LinkedHashMap<>();
    if (isS3() && spec.getS3() != null) {
      if (spec.getS3().getEndpoint() != null) {
        conf.put("s3.endpoint", spec.getS3().getEndpoint());
      }
      if (spec.getS3().getPathStyleAccess() != null) {
        conf.put("s3.path.style.access", spec.getS3().getPathStyleAccess().toString());
      }
    }
    return conf;
  }

  /**
   * The Flink container's environment: the S3 plugin enabled the official image's way, and the credentials as
   * references to the Secret, so that no key ever appears in the FlinkDeployment.
   */
  List<EnvVar> environment() {
    List<EnvVar> env = new ArrayList<>();
    if (!isS3()) {
      return env;
    }
    env.add(new EnvVar(PLUGINS_ENV, S3_PLUGIN_JAR, null));
    String secret = spec.getS3() == null ? null : spec.getS3().getCredentialsSecret();
    if (secret != null) {
      for (String key : CREDENTIAL_KEYS) {
        env.add(new EnvVarBuilder().withName(key)
            .withNewValueFrom().withNewSecretKeyRef(key, secret, false).endValueFrom().build());
      }
    }
    return env;
  }

  private static URI parse(StateStorageSpec spec) {
    if (spec == null || spec.getUri() == null) {
      return null;
    }
    try {
      return new URI(spec.getUri());
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
