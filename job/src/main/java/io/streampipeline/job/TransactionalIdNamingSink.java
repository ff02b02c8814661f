package io.streampipeline.job;

import io.streampipeline.plan.KafkaAccess;
import java.io.IOException;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * A Kafka sink whose refusal of its transactional ids names them. Kafka's own message, "Transactional Id
 * authorization failed.", does not say which ids: with several sinks per job (the results, the dead letters)
 * the user could not tell which ACL is missing. The ids are checked when a writer starts (Flink's sink aborts
 * lingering transactions and starts its first one there), which is also where a job restarted after a
 * revoked ACL fails. Everything else is the wrapped sink's: its writer, committer and their state.
 */
final class TransactionalIdNamingSink<IN, S, C>
    implements TwoPhaseCommittingStatefulSink<IN, S, C>, LineageVertexProvider {

  private static final long serialVersionUID = 1L;

  private final TwoPhaseCommittingStatefulSink<IN, S, C> sink;
  private final LineageVertexProvider lineage;
  private final String transactionalIdPrefix;

  private TransactionalIdNamingSink(TwoPhaseCommittingStatefulSink<IN, S, C> sink, LineageVertexProvider lineage,
      String transactionalIdPrefix) {
    this.sink = sink;
    this.lineage = lineage;
    this.transactionalIdPrefix = transactionalIdPrefix;
  }

  /** {@code sink}, which uses the transactional ids {@code <transactionalIdPrefix>-...}. */
  static <IN> Sink<IN> of(KafkaSink<IN> sink, String transactionalIdPrefix) {
    return wrap(sink, sink, transactionalIdPrefix);
  }

  /** Names the writer and committer state types, which Flink's Kafka sink keeps to its package. */
  private static <IN, S, C> Sink<IN> wrap(TwoPhaseCommittingStatefulSink<IN, S, C> sink, LineageVertexProvider lineage,
      String transactionalIdPrefix) {
    return new TransactionalIdNamingSink<>(sink, lineage, transactionalIdPrefix);
  }

  @Override
  public PrecommittingStatefulSinkWriter<IN, S, C> createWriter(InitContext context) throws IOException {
    try {
      return sink.createWriter(context);
    } catch (TransactionalIdAuthorizationException e) {
      throw named(e);
    }
  }

  @Override
  public PrecommittingStatefulSinkWriter<IN, S, C> restoreWriter(InitContext context, Collection<S> states)
      throws IOException {
    try {
      return sink.restoreWriter(context, states);
    } catch (TransactionalIdAuthorizationException e) {
      throw named(e);
    }
  }

  @Override
  public Committer<C> createCommitter() throws IOException {
    return sink.createCommitter();
  }

  @Override
  public SimpleVersionedSerializer<C> getCommittableSerializer() {
    return sink.getCommittableSerializer();
  }

  @Override
  public SimpleVersionedSerializer<S> getWriterStateSerializer() {
    return sink.getWriterStateSerializer();
  }

  @Override
  public LineageVertex getLineageVertex() {
    return lineage.getLineageVertex();
  }

  /** Same type, so that whatever tells errors apart by type still does, with the ids in the message. */
  private TransactionalIdAuthorizationException named(TransactionalIdAuthorizationException e) {
    TransactionalIdAuthorizationException named = new TransactionalIdAuthorizationException(
        "Not authorized to use the transactional ids starting '" + transactionalIdPrefix
        + KafkaAccess.TRANSACTIONAL_ID_DELIMITER + "': the pipeline's Kafka"
        + " user needs Write on them (" + e.getMessage() + ")");
    named.initCause(e);
    return named;
  }
}
