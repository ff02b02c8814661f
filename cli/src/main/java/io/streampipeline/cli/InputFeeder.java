package io.streampipeline.cli;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes each line of the input, as it is, as one record value (no key) to a topic, spread round-robin over
 * its partitions (line n to partition n mod partitions): every partition of a multi-partition source gets
 * records, in the input's order, as producers writing side by side would.
 */
final class InputFeeder implements Callable<Long> {

  private final Map<String, Object> clientConfig;
  private final String topic;
  private final Callable<BufferedReader> input;
  private final AtomicLong written = new AtomicLong();
  private volatile boolean stopped;

  /** @param clientConfig how to reach the cluster: {@code bootstrap.servers} and security */
  InputFeeder(Map<String, Object> clientConfig, String topic, Callable<BufferedReader> input) {
    this.clientConfig = clientConfig;
    this.topic = topic;
    this.input = input;
  }

  /** Feeds every line and returns how many, once all are acknowledged by the broker. */
  @Override
  public Long call() throws Exception {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (BufferedReader reader = input.call();
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      int partitions = producer.partitionsFor(topic).size();
      long n = 0;
      String line;
      while (!stopped && (line = reader.readLine()) != null) {
        int partition = (int) (n++ % partitions);
        producer.send(new ProducerRecord<>(topic, partition, null, line.getBytes(StandardCharsets.UTF_8)), (metadata, e) -> {
          if (e == null) {
            written.incrementAndGet();
          }
        });
      }
      producer.flush();
    }
    return written.get();
  }

  long written() {
    return written.get();
  }

  void stop() {
    stopped = true;
  }
}
