package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * How the Flink pods reach an S3-compatible store. Credentials are never part of the spec: they come from a
 * Secret, as environment variables of the pods, or from the pods' workload identity when no Secret is named.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3StorageSpec {

  @Pattern("^https?://[^\\s]+$")
  @JsonPropertyDescription("Endpoint of an S3-compatible store (MinIO, Ceph, ...), such as http://minio.storage:9000;"
      + " AWS S3 when absent.")
  private String endpoint;

  @JsonPropertyDescription("Path-style requests (http://endpoint/bucket/key), which most S3-compatible stores need.")
  private Boolean pathStyleAccess;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Secret in the pipeline's namespace with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
      + " given to the Flink pods as environment variables. Absent: the pods' own identity (workload identity).")
  private String credentialsSecret;

  public S3StorageSpec() {}

  public S3StorageSpec(String endpoint, Boolean pathStyleAccess, String credentialsSecret) {
    this.endpoint = endpoint;
    this.pathStyleAccess = pathStyleAccess;
    this.credentialsSecret = credentialsSecret;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Boolean getPathStyleAccess() {
    return pathStyleAccess;
  }

  public void setPathStyleAccess(Boolean pathStyleAccess) {
    this.pathStyleAccess = pathStyleAccess;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }
}
