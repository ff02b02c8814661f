package io.streampipeline.cli;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the inputs, one after the other, one record per line. An append source's line is the record value
 * (no key), spread round-robin over the topic's partitions (line n to partition n mod partitions): every
 * partition of a multi-partition source gets records, in the input's order, as producers writing side by side
 * would. An upsert source's line is {@code KEY<TAB>VALUE}, what {@code run} prints for a keyed sink (a value of
 * {@value OutputTail#TOMBSTONE} is a tombstone), partitioned by key as Kafka's producer does, so one pipeline's
 * printed output can be another's input.
 *
 * <p>Each input after the first is written once the job has read the ones before (its consumer group has
 * committed their ends): a table given first is complete in the job before the events that are joined with it
 * arrive, whichever source the job happens to poll first.
 */
final class InputFeeder implements Callable<Long> {

  /** One input: its lines go to {@code topic}, as {@code KEY<TAB>VALUE} when {@code keyed}. */
  record Input(String topic, boolean keyed, Callable<BufferedReader> lines) {}

  /** Whether the job has read every record written so far to a topic. */
  @FunctionalInterface
  interface ReadCheck {
    boolean hasRead(String topic) throws Exception;
  }

  private static final long READ_CHECK_INTERVAL_MS = 100;

  private final Map<String, Object> clientConfig;
  private final List<Input> inputs;
  private final ReadCheck job;
  private final AtomicLong written = new AtomicLong();
  private volatile boolean stopped;

  /** @param clientConfig how to reach the cluster: {@code bootstrap.servers} and security */
  InputFeeder(Map<String, Object> clientConfig, List<Input> inputs, ReadCheck job) {
    this.clientConfig = clientConfig;
    this.inputs = List.copyOf(inputs);
    this.job = job;
  }

  /** Feeds every line and returns how many, once all are acknowledged by the broker. */
  @Override
  public Long call() throws Exception {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < inputs.size() && !stopped; i++) {
        if (i > 0) {
          awaitRead(inputs.get(i - 1).topic());
        }
        feed(producer, inputs.get(i));
        producer.flush();
      }
    }
    return written.get();
  }

  private void feed(KafkaProducer<byte[], byte[]> producer, Input input) throws Exception {
    try (BufferedReader reader = input.lines().call()) {
      int partitions = producer.partitionsFor(input.topic()).size();
      long n = 0;
      String line;
      while (!stopped && (line = reader.readLine()) != null) {
        ProducerRecord<byte[], byte[]> record;
        if (input.keyed()) {
          String[] keyAndValue = line.split("\t", 2);
          if (keyAndValue.length < 2) {
            throw new CliException("input for topic " + input.topic() + ", line " + (n + 1)
                + ": expected KEY<TAB>VALUE (an upsert source's record), got no tab");
          }
          byte[] value = keyAndValue[1].equals(OutputTail.TOMBSTONE) ? null : utf8(keyAndValue[1]);
          record = new ProducerRecord<>(input.topic(), utf8(keyAndValue[0]), value);
        } else {
          record = new ProducerRecord<>(input.topic(), (int) (n % partitions), null, utf8(line));
        }
        n++;
        producer.send(record, (metadata, e) -> {
          if (e == null) {
            written.incrementAndGet();
          }
        });
      }
    }
  }

  private void awaitRead(String topic) throws Exception {
    while (!stopped && !job.hasRead(topic)) {
      Thread.sleep(READ_CHECK_INTERVAL_MS);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  long written() {
    return written.get();
  }

  void stop() {
    stopped = true;
  }
}
