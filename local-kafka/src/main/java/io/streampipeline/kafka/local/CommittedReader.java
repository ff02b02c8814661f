package io.streampipeline.kafka.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer that sees what a pipeline committed, as its downstream readers would: {@code read_committed}
 * (exactly-once output appears when its transaction commits), raw bytes, a group of its own that commits
 * nothing, assigned every partition of the topics it reads. Used by the CLI's output and the tests' checks.
 */
public final class CommittedReader {

  private CommittedReader() {}

  /**
   * @param purpose prefix of the throw-away group id, naming the reader in the broker's logs
   * @param fromBeginning every record, or only those written from now on
   */
  public static KafkaConsumer<byte[], byte[]> open(String bootstrapServers, String purpose, boolean fromBeginning,
      List<String> topics) {
    return open(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), purpose, fromBeginning, topics);
  }

  /**
   * A reader of a secured cluster.
   *
   * @param clientConfig {@code bootstrap.servers} and what else the cluster's clients need (security, credentials)
   */
  public static KafkaConsumer<byte[], byte[]> open(Map<String, ?> clientConfig, String purpose, boolean fromBeginning,
      List<String> topics) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, purpose + "-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        List<org.apache.kafka.common.PartitionInfo> found = consumer.partitionsFor(topic);
        if (found.isEmpty()) {
          // Else the reader would read nothing of it, silently (or fail on its first poll if it is the only topic).
          throw new IllegalStateException("cannot read topic " + topic + ": the broker does not know it");
        }
        found.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
        // Resolve the end now, so that records written after this call are read.
        partitions.forEach(consumer::position);
      }
      return consumer;
    } catch (RuntimeException e) {
      consumer.close(java.time.Duration.ZERO);
      throw e;
    }
  }
}
