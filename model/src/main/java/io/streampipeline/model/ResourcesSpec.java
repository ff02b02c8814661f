package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** CPU and memory of a JobManager or TaskManager pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourcesSpec {

  @Min(0.1)
  @Default("1")
  @JsonPropertyDescription("CPU cores.")
  private Double cpu = 1.0;

  @Pattern("^[0-9]+(Mi|Gi|m|g)$")
  @Default("1024Mi")
  @JsonPropertyDescription("Memory, such as 1024Mi or 2Gi.")
  private String memory = "1024Mi";

  public ResourcesSpec() {}

  public ResourcesSpec(double cpu, String memory) {
    this.cpu = cpu;
    this.memory = memory;
  }

  public Double getCpu() {
    return cpu;
  }

  public void setCpu(Double cpu) {
    this.cpu = cpu;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }
}
