package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Event time for a source: a timestamp column and a bounded-out-of-orderness watermark. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EventTimeSpec {

  @Required
  @Size(max = 63)
  @JsonPropertyDescription("A TIMESTAMP(3) or TIMESTAMP_LTZ(3) column of the source schema.")
  private String column;

  @Pattern(Durations.PATTERN)
  @Size(max = 16)
  @Default("5s")
  @JsonPropertyDescription("How late a record may arrive, such as 500ms, 5s or 1m.")
  private String watermarkDelay = "5s";

  public String getColumn() {
    return column;
  }

  public void setColumn(String column) {
    this.column = column;
  }

  public String getWatermarkDelay() {
    return watermarkDelay;
  }

  public void setWatermarkDelay(String watermarkDelay) {
    this.watermarkDelay = watermarkDelay;
  }
}
