package io.streampipeline.job;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * The watermark strategy of a source, used inside the Kafka source so that Flink keeps one watermark per
 * partition and the source's watermark is the smallest of its partitions': a partition that is behind never
 * makes another partition's records late. Timestamps are the rows' event time; dead letters neither carry
 * event time nor move the watermark, and neither do the tombstones of an upsert source (they have no value, so
 * no event time of their own: their record timestamp may be another clock than the values' event time).
 *
 * <p>A partition without any record for the idle timeout is marked idle and stops holding back the
 * watermark; when records arrive again it takes part again (its records may then be late, as any record
 * behind the watermark). Without idleness, one quiet partition stalls every window.
 */
final class SourceWatermarks {

  private SourceWatermarks() {}

  static WatermarkStrategy<Either<Row, DeadLetter>> of(SourceSchema schema) {
    if (schema.eventTime() == null) {
      return WatermarkStrategy.noWatermarks();
    }
    Duration delay = Duration.ofMillis(schema.eventTime().watermarkDelayMs());
    WatermarkStrategy<Either<Row, DeadLetter>> strategy = WatermarkStrategy
        .<Either<Row, DeadLetter>>forGenerator(context -> new RowsOnly(new BoundedOutOfOrdernessWatermarks<>(delay)))
        .withTimestampAssigner((decoded, recordTimestamp) -> decoded.isLeft()
            ? schema.eventTimeMillis(decoded.left(), recordTimestamp)
            : recordTimestamp);
    long idleMs = schema.eventTime().idleTimeoutMs();
    return idleMs > 0 ? strategy.withIdleness(Duration.ofMillis(idleMs)) : strategy;
  }

  /**
   * Passes only rows with a value to the watermark generator: a dead letter's or a tombstone's time says nothing
   * about progress.
   */
  private static final class RowsOnly implements WatermarkGenerator<Either<Row, DeadLetter>> {

    private final WatermarkGenerator<Either<Row, DeadLetter>> rows;

    RowsOnly(WatermarkGenerator<Either<Row, DeadLetter>> rows) {
      this.rows = rows;
    }

    @Override
    public void onEvent(Either<Row, DeadLetter> decoded, long timestamp, WatermarkOutput output) {
      if (decoded.isLeft() && decoded.left().getKind() != RowKind.DELETE) {
        rows.onEvent(decoded, timestamp, output);
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      rows.onPeriodicEmit(output);
    }
  }
}
