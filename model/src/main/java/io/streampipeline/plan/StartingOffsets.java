package io.streampipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a source starts reading when the job starts without state.
 *
 * @param timestampMillis only for {@link Mode#TIMESTAMP}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StartingOffsets(Mode mode, Long timestampMillis) {

  public enum Mode {
    /** The consumer group's committed offsets, or the earliest where it has none. */
    COMMITTED,
    EARLIEST,
    LATEST,
    /** The first record at or after {@code timestampMillis}. */
    TIMESTAMP
  }

  public static StartingOffsets of(Mode mode) {
    return new StartingOffsets(mode, null);
  }
}
