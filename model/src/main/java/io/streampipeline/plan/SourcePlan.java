package io.streampipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.streampipeline.model.Format;
import java.util.List;

/**
 * One Kafka source, registered in SQL as a table named {@code name}.
 *
 * @param columns for {@link Format#RAW} the single column {@code line STRING}
 * @param eventTime null for processing time only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourcePlan(
    String name,
    String topic,
    Format format,
    List<ColumnPlan> columns,
    StartingOffsets startingOffsets,
    EventTimePlan eventTime) {

  /** The column a raw source's value is read into. */
  public static final String RAW_COLUMN = "line";
}
