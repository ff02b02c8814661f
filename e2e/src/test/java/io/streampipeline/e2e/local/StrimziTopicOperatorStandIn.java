package io.streampipeline.e2e.local;

import io.streampipeline.operator.testing.StatusWrites;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A STAND-IN for Strimzi's unidirectional topic operator, which cannot run here: it makes the Kafka topics of
 * the {@code KafkaTopic}s in one namespace exist on one broker and reports them as Strimzi does.
 *
 * <p>What it does: creates a topic with the spec's partitions and {@code spec.config} (replication 1, whatever
 * the spec says: there is one broker), grows partitions, sets the spec's configs, and writes
 * {@code status.conditions[Ready]}, {@code observedGeneration} and {@code topicName}; a failure is written as
 * Ready=False with the Kafka error. On deletion of a {@code KafkaTopic} it deletes the Kafka topic unless the
 * resource is annotated {@code strimzi.io/managed: "false"}; such topics are never touched.
 *
 * <p>What it does not do: no finalizer (Strimzi puts {@code strimzi.io/topic-operator} on each KafkaTopic, so a
 * deletion while it is down is not missed; here such a deletion is), no batching, no refusal of a partition
 * decrease or replication change, no removal of configs dropped from the spec, no {@code strimzi.io/cluster}
 * label selection (every KafkaTopic of the namespace is served), no KRaft-migration or pause handling.
 */
public final class StrimziTopicOperatorStandIn implements AutoCloseable {

  static final String MANAGED_ANNOTATION = "strimzi.io/managed";

  private static final Logger LOG = LoggerFactory.getLogger(StrimziTopicOperatorStandIn.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Admin admin;
  /** One thread, as the order of events on one topic matters. */
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "strimzi-stand-in"));
  private SharedIndexInformer<KafkaTopic> informer;

  public StrimziTopicOperatorStandIn(KubernetesClient client, String namespace, Admin admin) {
    this.client = client;
    this.namespace = namespace;
    this.admin = admin;
  }

  public StrimziTopicOperatorStandIn start() {
    informer = client.resources(KafkaTopic.class).inNamespace(namespace).inform(new SerialHandler<>(worker,
        topic -> reconcile(topic.getMetadata().getName()), this::deleted));
    LOG.info("Strimzi topic operator stand-in watching KafkaTopics in {}", namespace);
    return this;
  }

  private void reconcile(String name) {
    KafkaTopic topic = client.resources(KafkaTopic.class).inNamespace(namespace).withName(name).get();
    if (topic == null || topic.getMetadata().getDeletionTimestamp() != null || !managed(topic) || upToDate(topic)) {
      return;
    }
    String topicName = topicName(topic);
    try {
      makeTopicMatch(topicName, topic);
      writeStatus(topic, topicName, new ConditionBuilder().withType("Ready").withStatus("True")
          .withLastTransitionTime(Instant.now().toString()).build());
      LOG.info("Topic {} ready ({} partitions, config {})", topicName, topic.getSpec().getPartitions(),
          topic.getSpec().getConfig());
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      LOG.warn("Topic {} not ready: {}", topicName, cause.toString());
      writeStatus(topic, topicName, new ConditionBuilder().withType("Ready").withStatus("False")
          .withReason(cause.getClass().getSimpleName()).withMessage(cause.getMessage())
          .withLastTransitionTime(Instant.now().toString()).build());
    }
  }

  private void makeTopicMatch(String topicName, KafkaTopic topic) throws Exception {
    int partitions = Objects.requireNonNullElse(topic.getSpec().getPartitions(), 1);
    Map<String, String> configs = configs(topic);
    TopicDescription existing = describe(topicName);
    if (existing == null) {
      admin.createTopics(List.of(new NewTopic(topicName, partitions, (short) 1).configs(configs)))
          .all().get(30, TimeUnit.SECONDS);
      return;
    }
    if (existing.partitions().size() < partitions) {
      admin.createPartitions(Map.of(topicName, NewPartitions.increaseTo(partitions))).all().get(30, TimeUnit.SECONDS);
    }
    if (!configs.isEmpty()) {
      Collection<AlterConfigOp> ops = configs.entrySet().stream()
          .map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET)).toList();
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topicName), ops))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  private TopicDescription describe(String topicName) throws Exception {
    try {
      return admin.describeTopics(Set.of(topicName)).allTopicNames().get(30, TimeUnit.SECONDS).get(topicName);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw e;
    }
  }

  private void deleted(KafkaTopic topic) {
    String topicName = topicName(topic);
    if (!managed(topic)) {
      LOG.info("KafkaTopic {} deleted while unmanaged: Kafka topic {} kept", topic.getMetadata().getName(), topicName);
      return;
    }
    try {
      admin.deleteTopics(Set.of(topicName)).all().get(30, TimeUnit.SECONDS);
      LOG.info("KafkaTopic {} deleted: Kafka topic {} deleted", topic.getMetadata().getName(), topicName);
    } catch (Exception e) {
      LOG.warn("Cannot delete Kafka topic {}", topicName, e);
    }
  }

  /** Already reconciled at this generation: our own status writes come back as updates. */
  private static boolean upToDate(KafkaTopic topic) {
    KafkaTopicStatus status = topic.getStatus();
    return status != null && Objects.equals(status.getObservedGeneration(), topic.getMetadata().getGeneration())
        && status.getConditions() != null && status.getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean managed(KafkaTopic topic) {
    Map<String, String> annotations = topic.getMetadata().getAnnotations();
    return annotations == null || !"false".equals(annotations.get(MANAGED_ANNOTATION));
  }

  private static String topicName(KafkaTopic topic) {
    String name = topic.getSpec() == null ? null : topic.getSpec().getTopicName();
    return name == null || name.isBlank() ? topic.getMetadata().getName() : name;
  }

  private static Map<String, String> configs(KafkaTopic topic) {
    Map<String, String> configs = new LinkedHashMap<>();
    if (topic.getSpec().getConfig() != null) {
      topic.getSpec().getConfig().forEach((key, value) -> configs.put(key, String.valueOf(value)));
    }
    return configs;
  }

  private void writeStatus(KafkaTopic read, String topicName, Condition ready) {
    StatusWrites.update(client, client.resources(KafkaTopic.class).inNamespace(namespace)
        .withName(read.getMetadata().getName()), current -> {
          KafkaTopicStatus status = new KafkaTopicStatus();
          status.setObservedGeneration(current.getMetadata().getGeneration());
          status.setTopicName(topicName);
          status.setConditions(List.of(ready));
          current.setStatus(status);
        });
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    worker.shutdown();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
