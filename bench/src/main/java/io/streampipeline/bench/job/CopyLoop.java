package io.streampipeline.bench.job;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The baseline: a plain consumer that hands every record to a producer, bytes unchanged, on one thread. The
 * producer has the same batching as the job's sink.
 */
final class CopyLoop implements Runnable {

  private final String bootstrapServers;
  private final String from;
  private final String to;
  private final AtomicBoolean running = new AtomicBoolean(true);

  CopyLoop(String bootstrapServers, String from, String to) {
    this.bootstrapServers = bootstrapServers;
    this.from = from;
    this.to = to;
  }

  void stop() {
    running.set(false);
  }

  @Override
  public void run() {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG, "copy-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = Workload.producer(bootstrapServers)) {
      consumer.subscribe(List.of(from));
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          producer.send(new ProducerRecord<>(to, record.key(), record.value()));
        }
      }
      producer.flush();
    }
  }
}
