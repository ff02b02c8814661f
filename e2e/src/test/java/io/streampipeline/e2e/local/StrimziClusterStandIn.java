package io.streampipeline.e2e.local;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.operator.testing.StatusWrites;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaBuilder;
import io.strimzi.api.kafka.model.kafka.KafkaStatus;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListenerBuilder;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import io.strimzi.api.kafka.model.kafka.listener.ListenerAddress;
import io.strimzi.api.kafka.model.kafka.listener.ListenerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A STAND-IN for what Strimzi's Cluster Operator writes about a running cluster, played once for a local secured
 * broker: the {@code Kafka} resource with a listener {@code scram} in its spec (TLS, SCRAM-SHA-512 authentication,
 * simple authorization) and the broker's SCRAM listener address in its status, and the cluster CA certificate
 * Secret {@code <name>-cluster-ca-cert} ({@code ca.crt}, labelled as Strimzi labels it). It runs no broker (the test's
 * broker is the cluster), renews no certificate and reconciles nothing afterwards.
 */
final class StrimziClusterStandIn {

  static final String SCRAM_LISTENER = "scram";

  private StrimziClusterStandIn() {}

  static void publish(KubernetesClient client, String namespace, String name, LocalKafkaBroker broker)
      throws IOException {
    String[] address = broker.bootstrapServers(LocalKafkaBroker.Listener.SCRAM_SHA_512).split(":");
    Kafka kafka = new KafkaBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec()
          .withNewKafka()
            .withListeners(new GenericKafkaListenerBuilder().withName(SCRAM_LISTENER)
                .withPort(Integer.parseInt(address[1])).withType(KafkaListenerType.INTERNAL).withTls(true)
                .withNewKafkaListenerAuthenticationScramSha512Auth().endKafkaListenerAuthenticationScramSha512Auth()
                .build())
            .withNewKafkaAuthorizationSimple().endKafkaAuthorizationSimple()
          .endKafka()
        .endSpec()
        .build();
    client.resource(kafka).create();
    StatusWrites.update(client, client.resources(Kafka.class).inNamespace(namespace).withName(name), current -> {
      ListenerAddress listenerAddress = new ListenerAddress();
      listenerAddress.setHost(address[0]);
      listenerAddress.setPort(Integer.parseInt(address[1]));
      ListenerStatus listener = new ListenerStatus();
      listener.setName(SCRAM_LISTENER);
      listener.setAddresses(List.of(listenerAddress));
      KafkaStatus status = new KafkaStatus();
      status.setObservedGeneration(current.getMetadata().getGeneration());
      status.setListeners(List.of(listener));
      status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True")
          .withLastTransitionTime(Instant.now().toString()).build()));
      current.setStatus(status);
    });
    client.resource(new SecretBuilder()
        .withNewMetadata()
          .withName(name + "-cluster-ca-cert")
          .withNamespace(namespace)
          .addToLabels("strimzi.io/cluster", name)
          .addToLabels("strimzi.io/kind", "Kafka")
        .endMetadata()
        .addToData("ca.crt", Base64.getEncoder().encodeToString(Files.readAllBytes(broker.caCertificate())))
        .build()).create();
  }
}
