package io.streampipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.streampipeline.model.Format;
import java.util.List;

/**
 * One Kafka source, registered in SQL as a table named {@code name}.
 *
 * @param columns for {@link Format#RAW} the single column {@code line STRING}
 * @param eventTime null for processing time only
 * @param upsertKey null for an append source (every record a new row); for an upsert source (a compacted topic
 *     read as the latest row per key, tombstones as deletes) its key columns, read from the record key, a JSON
 *     object of them, and the table's primary key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourcePlan(
    String name,
    String topic,
    Format format,
    List<ColumnPlan> columns,
    StartingOffsets startingOffsets,
    EventTimePlan eventTime,
    List<String> upsertKey) {

  /** The column a raw source's value is read into. */
  public static final String RAW_COLUMN = "line";

  /** An append source. */
  public SourcePlan(String name, String topic, Format format, List<ColumnPlan> columns,
      StartingOffsets startingOffsets, EventTimePlan eventTime) {
    this(name, topic, format, columns, startingOffsets, eventTime, null);
  }

  /** Whether the source is a table of the latest row per key rather than a stream of events. */
  public boolean upsert() {
    return upsertKey != null;
  }
}
