package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * Event time for a source: a timestamp column (or the Kafka record timestamp) and a bounded-out-of-orderness
 * watermark, generated per Kafka partition.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EventTimeSpec {

  /** The column a source without {@code eventTime.column} gets: the Kafka record timestamp. */
  public static final String RECORD_TIMESTAMP_COLUMN = "kafka_timestamp";

  @Size(max = 63)
  @JsonPropertyDescription("A TIMESTAMP(p) or TIMESTAMP_LTZ(p) column of the json schema (read as precision 3)."
      + " Without it, event time is the Kafka record timestamp, in the column " + RECORD_TIMESTAMP_COLUMN
      + " TIMESTAMP_LTZ(3).")
  private String column;

  @Pattern(Durations.PATTERN)
  @Size(max = 16)
  @Default("5s")
  @JsonPropertyDescription("How late a record may arrive, such as 500ms, 5s or 1m.")
  private String watermarkDelay = "5s";

  @Pattern(Durations.PATTERN)
  @Size(max = 16)
  @Default("1m")
  @JsonPropertyDescription("A partition without records for this long stops holding back the watermark (0s: never).")
  private String idleTimeout = "1m";

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

  public String getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(String idleTimeout) {
    this.idleTimeout = idleTimeout;
  }
}
