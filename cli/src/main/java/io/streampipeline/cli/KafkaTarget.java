package io.streampipeline.cli;

import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.operator.children.DesiredTopic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The Kafka a local run uses: a broker started in this process with the pipeline's topics, or an existing one. */
final class KafkaTarget implements AutoCloseable {

  static final Duration REACH_TIMEOUT = Duration.ofSeconds(5);

  private final LocalKafkaBroker broker;
  private final String bootstrapServers;
  private final Map<String, String> clientProperties;
  private final Admin admin;

  private KafkaTarget(LocalKafkaBroker broker, String bootstrapServers, Map<String, String> clientProperties,
      Admin admin) {
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = clientProperties;
    this.admin = admin;
  }

  /** Starts a broker on {@code port} (0: a free one) and creates the topics with their partitions and configs. */
  static KafkaTarget embedded(int port, List<DesiredTopic> topics) {
    LocalKafkaBroker broker;
    try {
      broker = LocalKafkaBroker.start(port);
    } catch (IllegalStateException e) {
      throw new CliException(e.getMessage(), e);
    }
    try {
      for (DesiredTopic topic : topics) {
        broker.createTopic(topic.topic(), topic.spec().getPartitions(), topic.spec().getConfig());
      }
    } catch (RuntimeException e) {
      broker.close();
      throw new CliException("cannot create the pipeline's topics: " + Errors.oneLine(e), e);
    }
    return new KafkaTarget(broker, broker.bootstrapServers(), Map.of(), broker.admin());
  }

  /**
   * An existing cluster, which must answer within {@link #REACH_TIMEOUT} and have the topics already.
   *
   * @param clientProperties what its clients need besides {@code bootstrap.servers} (security, credentials)
   */
  static KafkaTarget existing(String bootstrapServers, Map<String, String> clientProperties,
      List<DesiredTopic> topics) {
    Map<String, Object> config = clientConfig(bootstrapServers, clientProperties);
    config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "2000");
    config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "2000");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(REACH_TIMEOUT.toMillis()));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(REACH_TIMEOUT.toMillis()));
    Admin admin = Admin.create(config);
    try {
      admin.describeCluster().nodes().get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      List<String> names = topics.stream().map(DesiredTopic::topic).toList();
      for (String name : names) {
        try {
          admin.describeTopics(List.of(name)).allTopicNames().get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UnknownTopicOrPartitionException) {
            throw new CliException("topic " + name + " does not exist at " + bootstrapServers
                + " (create it, or run without --bootstrap-servers to use a local broker)");
          }
          throw e;
        }
      }
      return new KafkaTarget(null, bootstrapServers, clientProperties, admin);
    } catch (TimeoutException e) {
      admin.close(Duration.ZERO);
      throw new CliException("cannot reach Kafka at " + bootstrapServers + " within " + REACH_TIMEOUT.toSeconds() + "s", e);
    } catch (ExecutionException e) {
      // Refused credentials or ACLs: Kafka's message says which.
      admin.close(Duration.ZERO);
      throw new CliException("cannot use Kafka at " + bootstrapServers + ": " + Errors.oneLine(e.getCause()), e);
    } catch (InterruptedException e) {
      admin.close(Duration.ZERO);
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while connecting to Kafka at " + bootstrapServers, e);
    } catch (RuntimeException e) {
      admin.close(Duration.ZERO);
      throw e;
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** What the job's clients need besides {@code bootstrap.servers}; no secret values. */
  Map<String, String> clientProperties() {
    return clientProperties;
  }

  /** A configuration for a client of this cluster, to which the caller adds its own settings. */
  Map<String, Object> clientConfig() {
    return clientConfig(bootstrapServers, clientProperties);
  }

  private static Map<String, Object> clientConfig(String bootstrapServers, Map<String, String> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  /** The end offset of every partition of the topics. */
  Map<TopicPartition, Long> endOffsets(List<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
    Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
    descriptions.values().forEach(d -> d.partitions().forEach(p ->
        request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, ListOffsetsResultInfo> offsets = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, Long> ends = new java.util.HashMap<>();
    offsets.forEach((partition, info) -> ends.put(partition, info.offset()));
    return ends;
  }

  /** Whether the consumer group has committed, for every partition, at least the given offset. */
  boolean committedAtLeast(String group, Map<TopicPartition, Long> offsets) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    for (Map.Entry<TopicPartition, Long> end : offsets.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      if (end.getValue() > 0 && (at == null || at.offset() < end.getValue())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    if (broker != null) {
      broker.close();
    } else {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
