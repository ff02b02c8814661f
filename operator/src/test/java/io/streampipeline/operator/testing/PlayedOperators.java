package io.streampipeline.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.function.Consumer;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaBuilder;
import io.strimzi.api.kafka.model.kafka.KafkaStatus;
import io.strimzi.api.kafka.model.kafka.listener.ListenerAddress;
import io.strimzi.api.kafka.model.kafka.listener.ListenerStatus;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListenerBuilder;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicStatus;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserStatus;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.status.FlinkDeploymentStatus;
import org.apache.flink.kubernetes.operator.api.status.ReconciliationState;

/**
 * The tests' stand-in for the Strimzi and Flink operators, which cannot run here: it writes the status
 * subresources those operators would write, through the real API server.
 */
public final class PlayedOperators {

  private final KubernetesClient client;

  public PlayedOperators(KubernetesClient client) {
    this.client = client;
  }

  public void createKafkaCluster(String namespace, String name) {
    Kafka kafka = new KafkaBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec()
          .withNewKafka()
            .withListeners(new GenericKafkaListenerBuilder().withName("plain").withPort(9092)
                .withType(KafkaListenerType.INTERNAL).withTls(false).build())
          .endKafka()
        .endSpec()
        .build();
    client.resource(kafka).create();
  }

  /**
   * A Kafka as production clusters have it, with Strimzi's status: listeners {@code plain} (9092, no TLS, no
   * authentication), {@code tls} (9093, TLS, SCRAM-SHA-512) and {@code mtls} (9094, TLS, mutual TLS), each reported
   * at {@code <name>-kafka-bootstrap.<namespace>.svc:<port>}.
   */
  public Kafka createSecuredKafkaCluster(String namespace, String name) {
    Kafka kafka = new KafkaBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec()
          .withNewKafka()
            .withListeners(
                new GenericKafkaListenerBuilder().withName("plain").withPort(9092)
                    .withType(KafkaListenerType.INTERNAL).withTls(false).build(),
                new GenericKafkaListenerBuilder().withName("tls").withPort(9093)
                    .withType(KafkaListenerType.INTERNAL).withTls(true)
                    .withNewKafkaListenerAuthenticationScramSha512Auth().endKafkaListenerAuthenticationScramSha512Auth()
                    .build(),
                new GenericKafkaListenerBuilder().withName("mtls").withPort(9094)
                    .withType(KafkaListenerType.INTERNAL).withTls(true)
                    .withNewKafkaListenerAuthenticationTlsAuth().endKafkaListenerAuthenticationTlsAuth().build())
          .endKafka()
        .endSpec()
        .build();
    client.resource(kafka).create();
    String host = name + "-kafka-bootstrap." + namespace + ".svc";
    writeStatus(client.resources(Kafka.class).inNamespace(namespace).withName(name), current -> {
      KafkaStatus status = new KafkaStatus();
      status.setListeners(List.of(listenerStatus("plain", host, 9092), listenerStatus("tls", host, 9093),
          listenerStatus("mtls", host, 9094)));
      current.setStatus(status);
    });
    return kafka;
  }

  private static ListenerStatus listenerStatus(String name, String host, int port) {
    ListenerAddress address = new ListenerAddress();
    address.setHost(host);
    address.setPort(port);
    ListenerStatus status = new ListenerStatus();
    status.setName(name);
    status.setAddresses(List.of(address));
    return status;
  }

  /** Strimzi's User Operator reporting the user made: Ready=True for the current generation, its Secret named. */
  public void kafkaUserReady(String namespace, String name) {
    kafkaUserStatus(namespace, name, "True", null, null);
  }

  /** Strimzi's User Operator refusing the user, as it does for an invalid one. */
  public void kafkaUserRefused(String namespace, String name, String reason, String message) {
    kafkaUserStatus(namespace, name, "False", reason, message);
  }

  private void kafkaUserStatus(String namespace, String name, String ready, String reason, String message) {
    writeStatus(client.resources(KafkaUser.class).inNamespace(namespace).withName(name), user -> {
      KafkaUserStatus status = new KafkaUserStatus();
      status.setObservedGeneration(user.getMetadata().getGeneration());
      status.setUsername(name);
      status.setSecret(name);
      status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready)
          .withReason(reason).withMessage(message).withLastTransitionTime("2026-01-01T00:00:00Z").build()));
      user.setStatus(status);
    });
  }

  /** Strimzi's topic operator reporting the topic created: Ready=True for the current generation. */
  public void topicReady(String namespace, String name) {
    topicStatus(namespace, name, "True", null, null);
  }

  public void topicNotReady(String namespace, String name, String reason, String message) {
    topicStatus(namespace, name, "False", reason, message);
  }

  private void topicStatus(String namespace, String name, String ready, String reason, String message) {
    writeStatus(client.resources(KafkaTopic.class).inNamespace(namespace).withName(name), topic -> {
      KafkaTopicStatus status = new KafkaTopicStatus();
      status.setObservedGeneration(topic.getMetadata().getGeneration());
      status.setTopicName(topic.getSpec().getTopicName());
      status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready)
          .withReason(reason).withMessage(message).withLastTransitionTime("2026-01-01T00:00:00Z").build()));
      topic.setStatus(status);
    });
  }

  /** The Flink operator reporting the current spec deployed and the job running. */
  public void flinkRunning(String namespace, String name, String jobId) {
    flinkStatus(namespace, name, JobStatus.RUNNING, jobId, null, true);
  }

  public void flinkSuspended(String namespace, String name, String jobId) {
    flinkStatus(namespace, name, JobStatus.FINISHED, jobId, null, true);
  }

  /** The Flink operator has seen a new spec and is taking a savepoint to upgrade. */
  public void flinkUpgrading(String namespace, String name, String jobId) {
    flinkStatus(namespace, name, JobStatus.RUNNING, jobId, null, false);
  }

  public void flinkFailed(String namespace, String name, String jobId, String errorJson) {
    flinkStatus(namespace, name, JobStatus.FAILED, jobId, errorJson, true);
  }

  /**
   * Writes the status as the Flink operator does: the reconciled spec, the reconciliation state and the job
   * state; the lifecycle state is derived from those by the Flink model itself.
   */
  private void flinkStatus(String namespace, String name, JobStatus job, String jobId, String error, boolean caughtUp) {
    writeStatus(client.resources(FlinkDeployment.class).inNamespace(namespace).withName(name),
        deployment -> deployment.setStatus(flinkDeploymentStatus(deployment, job, jobId, error, caughtUp)));
  }

  /** The status the Flink operator writes; also the unit tests' observation of a FlinkDeployment. */
  public static FlinkDeploymentStatus flinkDeploymentStatus(FlinkDeployment deployment, JobStatus job, String jobId,
      String error, boolean caughtUp) {
    FlinkDeploymentStatus status = new FlinkDeploymentStatus();
    long generation = deployment.getMetadata().getGeneration();
    status.setObservedGeneration(caughtUp ? generation : generation - 1);
    status.getReconciliationStatus().serializeAndSetLastReconciledSpec(deployment.getSpec(), deployment);
    status.getReconciliationStatus().setState(caughtUp ? ReconciliationState.DEPLOYED : ReconciliationState.UPGRADING);
    if (caughtUp && error == null) {
      status.getReconciliationStatus().markReconciledSpecAsStable();
    }
    status.getJobStatus().setState(job);
    status.getJobStatus().setJobId(jobId);
    status.setError(error);
    return status;
  }

  private <T extends HasMetadata> void writeStatus(Resource<T> resource, Consumer<T> change) {
    StatusWrites.update(client, resource, change);
  }
}
