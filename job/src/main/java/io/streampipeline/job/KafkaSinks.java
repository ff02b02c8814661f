package io.streampipeline.job;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.PipelinePlan;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Kafka sinks with the plan's delivery guarantee. */
final class KafkaSinks {

  /**
   * Kafka's default {@code transaction.max.timeout.ms}; a job's transactions must fit in it, or the broker
   * refuses the producer.
   */
  static final long BROKER_MAX_TRANSACTION_TIMEOUT_MS = 900_000L;

  private static final long MIN_TRANSACTION_TIMEOUT_MS = 60_000L;

  /**
   * The largest record a sink writes: Kafka's default producer {@code max.request.size}, set here on purpose. The
   * operator leaves topics' {@code max.message.bytes} at Kafka's default (1 MiB + 12 bytes), which such a record
   * fits. A larger result record fails the job (RecordTooLargeException); a larger dead letter
   * is written without its value ({@link DeadLetterSerializer}).
   */
  static final int MAX_RECORD_BYTES = 1024 * 1024;

  private KafkaSinks() {}

  /**
   * How long a transaction may stay open: it spans one checkpoint interval plus the checkpoint itself, and a
   * restart. Ten intervals, at least a minute, and never above the broker's default maximum.
   */
  static long transactionTimeoutMs(PipelinePlan plan) {
    long timeout = Math.max(MIN_TRANSACTION_TIMEOUT_MS, 10 * plan.checkpointIntervalMs());
    if (plan.delivery() == DeliveryGuarantee.EXACTLY_ONCE && 2 * plan.checkpointIntervalMs() > BROKER_MAX_TRANSACTION_TIMEOUT_MS) {
      throw new InvalidPlanException("checkpointIntervalMs", "exactly-once writes one Kafka transaction per"
          + " checkpoint; an interval of " + plan.checkpointIntervalMs() + " ms does not fit twice in Kafka's"
          + " transaction.max.timeout.ms of " + BROKER_MAX_TRANSACTION_TIMEOUT_MS + " ms");
    }
    return Math.min(timeout, BROKER_MAX_TRANSACTION_TIMEOUT_MS);
  }

  /** A sink whose transactions (exactly once) have ids starting with the plan's prefix and {@code idSuffix}. */
  static <T> Sink<T> sink(PipelinePlan plan, KafkaRecordSerializationSchema<T> serializer, String idSuffix) {
    Properties producer = KafkaClientProperties.of(plan);
    producer.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeoutMs(plan)));
    producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
    producer.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_RECORD_BYTES));
    producer.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
    String transactionalIdPrefix = plan.transactionalIdPrefix() + idSuffix;
    KafkaSink<T> sink = KafkaSink.<T>builder()
        .setBootstrapServers(plan.bootstrapServers())
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(plan.delivery() == DeliveryGuarantee.EXACTLY_ONCE
            ? org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE
            : org.apache.flink.connector.base.DeliveryGuarantee.AT_LEAST_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .setKafkaProducerConfig(producer)
        .build();
    return TransactionalIdNamingSink.of(sink, transactionalIdPrefix);
  }
}
