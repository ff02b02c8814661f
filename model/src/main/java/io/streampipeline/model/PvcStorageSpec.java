package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A PersistentVolumeClaim in the pipeline's namespace, shared by its JobManager and TaskManager pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PvcStorageSpec {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of an existing claim; ReadWriteMany when the pods may run on different nodes.")
  private String claimName;

  public PvcStorageSpec() {}

  public PvcStorageSpec(String claimName) {
    this.claimName = claimName;
  }

  public String getClaimName() {
    return claimName;
  }

  public void setClaimName(String claimName) {
    this.claimName = claimName;
  }
}
