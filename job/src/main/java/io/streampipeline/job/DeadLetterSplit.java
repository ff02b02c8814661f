package io.streampipeline.job;

import io.streampipeline.plan.JobMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits a source's decoded records: rows go on to SQL, dead letters to {@link #DEAD_LETTERS}. Every record is
 * counted in the source's {@value JobMetrics#RECORDS_IN} metric, dead letters also in
 * {@value #DEAD_LETTERED_METRIC} (both in the metric group {@code source=<name>}, see {@link JobMetrics}). When
 * the pipeline has no dead-letter topic a dead letter fails the job instead, so that no record is dropped
 * silently.
 */
final class DeadLetterSplit extends ProcessFunction<Either<Row, DeadLetter>, Row> {

  /** Counter of the source's records sent to the dead-letter topic, per subtask. */
  public static final String DEAD_LETTERED_METRIC = JobMetrics.DEAD_LETTERED_RECORDS;

  static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private static final long serialVersionUID = 1L;

  private final String source;
  private final boolean deadLetterTopic;
  private transient Counter recordsIn;
  private transient Counter deadLettered;

  DeadLetterSplit(String source, boolean deadLetterTopic) {
    this.source = source;
    this.deadLetterTopic = deadLetterTopic;
  }

  @Override
  public void open(OpenContext context) {
    MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(JobMetrics.SOURCE_GROUP, source);
    recordsIn = metrics.counter(JobMetrics.RECORDS_IN);
    deadLettered = metrics.counter(DEAD_LETTERED_METRIC);
  }

  @Override
  public void processElement(Either<Row, DeadLetter> decoded, Context context, Collector<Row> out) {
    recordsIn.inc();
    if (decoded.isLeft()) {
      out.collect(decoded.left());
      return;
    }
    DeadLetter letter = decoded.right();
    if (!deadLetterTopic) {
      throw new IllegalStateException("cannot read record " + letter.record.position() + " of source '" + source
          + "': " + letter.error + "; the pipeline has no dead-letter topic, so the job stops rather than drop it");
    }
    deadLettered.inc();
    context.output(DEAD_LETTERS, letter);
  }
}
