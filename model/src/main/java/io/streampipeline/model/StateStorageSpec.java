package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * Where a pipeline's checkpoints, savepoints and JobManager HA data live: durable storage that every JobManager
 * and TaskManager pod of the pipeline reaches and that outlives them. Given per pipeline, it replaces the
 * operator's default (the Helm chart's {@code job.stateStorage}) as a whole. Which combinations can work is
 * decided in one place, the operator's state storage check, because a pipeline's storage may come from the
 * operator's configuration, which admission never sees.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StateStorageSpec {

  @Required
  @JsonPropertyDescription("Base URI; each pipeline's state goes under <uri>/<namespace>/<name>/ (checkpoints,"
      + " savepoints, ha). s3:// or s3a:// for S3-compatible object storage (Flink's flink-s3-fs-hadoop plugin),"
      + " file:///PATH for a PersistentVolumeClaim mounted at PATH (pvc is then required).")
  private String uri;

  @JsonPropertyDescription("S3 settings for an s3:// or s3a:// uri.")
  private S3StorageSpec s3;

  @JsonPropertyDescription("The PersistentVolumeClaim mounted at a file:// uri's path in the JobManager and"
      + " TaskManager pods.")
  private PvcStorageSpec pvc;

  public StateStorageSpec() {}

  public StateStorageSpec(String uri, S3StorageSpec s3, PvcStorageSpec pvc) {
    this.uri = uri;
    this.s3 = s3;
    this.pvc = pvc;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public S3StorageSpec getS3() {
    return s3;
  }

  public void setS3(S3StorageSpec s3) {
    this.s3 = s3;
  }

  public PvcStorageSpec getPvc() {
    return pvc;
  }

  public void setPvc(PvcStorageSpec pvc) {
    this.pvc = pvc;
  }
}
