package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
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
  private static final Duration TTL = Duration.ofSeconds(20);
  /**
   * The Kafka resource is read untyped, at v1 (Strimzi 0.49 and later) and else at v1beta2 (which Strimzi 0.49
   * still serves and io.strimzi:api 0.49's Kafka model is annotated with), as the KafkaTopic is written at v1.
   */
  private static final List<ResourceDefinitionContext> KAFKA_VERSIONS = List.of("v1", "v1beta2").stream()
      .map(version -> new ResourceDefinitionContext.Builder().withGroup("kafka.strimzi.io").withVersion(version)
          .withKind("Kafka").withPlural("kafkas").withNamespaced(true).build())
      .toList();

  private final KubernetesClient client;
  private final Clock clock;
  private volatile Instant checkedAt = Instant.MIN;
  private volatile List<String> missing = List.of();
  private volatile boolean kafkaUserServed;

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
      kafkaUserServed = client.supports(KafkaUser.class);
      checkedAt = now;
    }
    return missing.isEmpty() ? Optional.empty()
        : Optional.of("the cluster does not serve " + String.join(" or ", missing));
  }

  /**
   * The Strimzi {@code Kafka} cluster a pipeline names, read at the first version the cluster serves and read into
   * io.strimzi:api's model (its listeners' spec and status are the same at v1 and v1beta2); empty when absent.
   */
  public Optional<Kafka> kafkaCluster(String namespace, String cluster) {
    for (ResourceDefinitionContext kafka : KAFKA_VERSIONS) {
      try {
        GenericKubernetesResource found = client.genericKubernetesResources(kafka).inNamespace(namespace)
            .withName(cluster).get();
        if (found != null) {
          return Optional.of(client.getKubernetesSerialization().convertValue(found, Kafka.class));
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the cluster serves Strimzi's KafkaUser at {@code kafka.strimzi.io/v1}, which a pipeline needs when the
   * operator makes its Kafka user: a sentence saying what is missing, or empty.
   */
  public Optional<String> missingKafkaUserApi() {
    missingApis();
    return kafkaUserServed ? Optional.empty()
        : Optional.of("the cluster does not serve KafkaUser (" + STRIMZI_API + "; install Strimzi 0.49 or later),"
            + " which spec.kafka.authentication without a secretName needs");
  }
}
