package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * Which of the APIs the operator writes to the cluster serves: Strimzi's KafkaTopic and Kafka, the Flink
 * operator's FlinkDeployment. Discovery answers are kept briefly so that many pipelines do not ask at once.
 */
public class ClusterApis {

  static final String STRIMZI_API = "kafka.strimzi.io/v1";
  /**
   * Only the Kafka resource's existence matters, so it is read untyped, at v1 (Strimzi 0.49 and later) and
   * else at v1beta2 (which Strimzi 0.49 still serves and io.strimzi:api 0.49's Kafka model uses).
   */
  private static final Duration TTL = Duration.ofSeconds(20);
  private static final List<ResourceDefinitionContext> KAFKA_VERSIONS = List.of("v1", "v1beta2").stream()
      .map(version -> new ResourceDefinitionContext.Builder().withGroup("kafka.strimzi.io").withVersion(version)
          .withKind("Kafka").withPlural("kafkas").withNamespaced(true).build())
      .toList();

  private final KubernetesClient client;
  private final Clock clock;
  private volatile Instant checkedAt = Instant.MIN;
  private volatile List<String> missing = List.of();

  public ClusterApis(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** A sentence naming every missing API and what installs it, or empty when all are served. */
  public Optional<String> missingApis() {
    Instant now = clock.instant();
    if (Duration.between(checkedAt, now).compareTo(TTL) > 0) {
      List<String> found = new ArrayList<>();
      if (!client.supports(KafkaTopic.class)) {
        found.add("KafkaTopic (" + STRIMZI_API + "; install Strimzi 0.49 or later)");
      }
      if (!client.supports(FlinkDeployment.class)) {
        found.add("FlinkDeployment (flink.apache.org/v1beta1; install the Flink Kubernetes Operator 1.10 or later)");
      }
      missing = List.copyOf(found);
      checkedAt = now;
    }
    return missing.isEmpty() ? Optional.empty()
        : Optional.of("the cluster does not serve " + String.join(" or ", missing));
  }

  /** Whether the Strimzi {@code Kafka} cluster a pipeline names exists in its namespace. */
  public boolean kafkaClusterExists(String namespace, String cluster) {
    for (ResourceDefinitionContext kafka : KAFKA_VERSIONS) {
      try {
        if (client.genericKubernetesResources(kafka).inNamespace(namespace).withName(cluster).get() != null) {
          return true;
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
    return false;
  }
}
