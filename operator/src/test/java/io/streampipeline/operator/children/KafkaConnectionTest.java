package io.streampipeline.operator.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.streampipeline.model.KafkaAuthenticationSpec;
import io.streampipeline.model.KafkaAuthenticationType;
import io.streampipeline.model.KafkaTlsSpec;
import io.streampipeline.model.TrustedCertificateSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.status.Reasons;
import io.streampipeline.plan.KafkaClientSecurity;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How a pipeline reaches a Strimzi listener, from its spec and the listener; and the refusals. */
class KafkaConnectionTest {

  private static final Path USER = Path.of(KafkaClientSecurity.USER_SECRET_MOUNT);
  private static final Path CLUSTER_CA = Path.of(KafkaClientSecurity.CA_SECRET_MOUNT, "ca.crt");
  private static final String ADDRESS = "events-kafka-bootstrap.team-a.svc:9093";

  @Test
  void scramOverTlsWithTheOperatorsUserMountsItsSecretAndTheClusterCa() {
    KafkaConnection connection = KafkaConnection.of(pipeline("tls", scram(null), null), listener(true, "scram-sha-512"));

    assertThat(connection.bootstrapServers()).isEqualTo(ADDRESS);
    assertThat(connection.securityProtocol()).isEqualTo("SASL_SSL");
    assertThat(connection.kafkaUser()).isEqualTo("streampipeline-wordcount");
    assertThat(connection.kafkaProperties()).isEqualTo(KafkaClientSecurity.scramSha512(USER, CLUSTER_CA));
    assertThat(connection.secrets()).containsExactly(
        new KafkaConnection.MountedSecret("kafka-ca", "events-cluster-ca-cert", KafkaClientSecurity.CA_SECRET_MOUNT,
            List.of("ca.crt")),
        new KafkaConnection.MountedSecret("kafka-user", "streampipeline-wordcount",
            KafkaClientSecurity.USER_SECRET_MOUNT, List.of("sasl.jaas.config")));
  }

  @Test
  void mutualTlsWithTheUsersSecretAndItsOwnCaAtAnOverriddenAddress() {
    StreamPipeline pipeline = pipeline("mtls", new KafkaAuthenticationSpec(KafkaAuthenticationType.TLS, "team-a-user"),
        new KafkaTlsSpec(new TrustedCertificateSpec("corporate-ca", "root.pem")));
    pipeline.getSpec().getKafka().setBootstrapServers("kafka.example.com:443");

    KafkaConnection connection = KafkaConnection.of(pipeline, listener(true, "tls"));

    assertThat(connection.bootstrapServers()).isEqualTo("kafka.example.com:443");
    assertThat(connection.securityProtocol()).isEqualTo("SSL");
    assertThat(connection.kafkaUser()).as("no KafkaUser when the spec names a Secret").isNull();
    assertThat(connection.kafkaProperties())
        .isEqualTo(KafkaClientSecurity.mutualTls(USER, Path.of(KafkaClientSecurity.CA_SECRET_MOUNT, "root.pem")));
    assertThat(connection.secrets()).extracting(KafkaConnection.MountedSecret::secretName,
        KafkaConnection.MountedSecret::keys).containsExactly(tuple("corporate-ca", List.of("root.pem")),
            tuple("team-a-user", List.of("user.p12", "user.password")));
  }

  @Test
  void scramOverPlaintextAndTlsWithoutAuthentication() {
    assertThat(KafkaConnection.of(pipeline("scram", scram("u"), null), listener(false, "scram-sha-512")))
        .satisfies(c -> {
          assertThat(c.securityProtocol()).isEqualTo("SASL_PLAINTEXT");
          assertThat(c.kafkaProperties()).isEqualTo(KafkaClientSecurity.scramSha512(USER, null));
          assertThat(c.secrets()).extracting(KafkaConnection.MountedSecret::volume).containsExactly("kafka-user");
        });
    assertThat(KafkaConnection.of(pipeline("tls", null, null), listener(true, null))).satisfies(c -> {
      assertThat(c.securityProtocol()).isEqualTo("SSL");
      assertThat(c.kafkaProperties()).isEqualTo(KafkaClientSecurity.tls(CLUSTER_CA));
      assertThat(c.secrets()).extracting(KafkaConnection.MountedSecret::volume).containsExactly("kafka-ca");
    });
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(null, listener(true, "scram-sha-512"), null, Reasons.KAFKA_AUTHENTICATION_REQUIRED,
            "listener 'tls' of Kafka events requires scram-sha-512 authentication: set spec.kafka.authentication"),
        Arguments.of(scram(null), listener(true, "tls"), null, Reasons.KAFKA_AUTHENTICATION_NOT_OFFERED,
            "listener 'tls' of Kafka events does not take scram-sha-512 authentication"
                + " (spec.kafka.authentication.type); it takes tls"),
        Arguments.of(scram(null), listener(true, null), null, Reasons.KAFKA_AUTHENTICATION_NOT_OFFERED,
            "listener 'tls' of Kafka events does not take scram-sha-512 authentication"
                + " (spec.kafka.authentication.type); it takes none"),
        Arguments.of(scram(null), listener(true, "oauth"), null, Reasons.KAFKA_AUTHENTICATION_NOT_OFFERED,
            "it takes oauth"),
        Arguments.of(null, listener(false, null), new KafkaTlsSpec(new TrustedCertificateSpec("ca", "ca.crt")),
            Reasons.KAFKA_TLS_NOT_OFFERED, "listener 'tls' of Kafka events is not a TLS listener: remove spec.kafka.tls"));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void refusesWhatTheListenerDoesNotOffer(KafkaAuthenticationSpec auth, KafkaListener listener, KafkaTlsSpec tls,
      String reason, String message) {
    assertThatThrownBy(() -> KafkaConnection.of(pipeline("tls", auth, tls), listener))
        .isInstanceOfSatisfying(KafkaAccessRefused.class, r -> assertThat(r.reason()).isEqualTo(reason))
        .hasMessageContaining(message);
  }

  /** The user gets exactly the plan's ACLs in Strimzi's v1 form, and the FlinkDeployment mounts and references. */
  @Test
  void theKafkaUserAndTheFlinkDeploymentOfAScramPipeline() {
    StreamPipeline pipeline = pipeline("tls", scram(null), null);
    KafkaConnection connection = KafkaConnection.of(pipeline, listener(true, "scram-sha-512"));

    KafkaUser user = PipelineChildren.kafkaUser(pipeline, connection);
    assertThat(user.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
    assertThat(user.getMetadata().getName()).isEqualTo("streampipeline-wordcount");
    assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "events")
        .containsEntry("streampipeline.io/pipeline", "wordcount");
    assertThat(user.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("wordcount"));
    assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
    KafkaUserAuthorizationSimple authorization = (KafkaUserAuthorizationSimple) user.getSpec().getAuthorization();
    String identity = "streampipeline.team-a.wordcount";
    assertThat(authorization.getAcls()).extracting(a -> a.getResource().getType(), a -> name(a.getResource()),
        a -> Serialization.asJson(a.getResource()).contains("\"patternType\":\"prefix\""), a -> a.getOperations(),
        a -> a.getOperation()).containsExactly(
            tuple("topic", "lines", false, List.of(io.strimzi.api.kafka.model.user.acl.AclOperation.READ), null),
            tuple("group", identity, false, List.of(io.strimzi.api.kafka.model.user.acl.AclOperation.READ), null),
            tuple("topic", "word-counts", false, List.of(io.strimzi.api.kafka.model.user.acl.AclOperation.WRITE), null),
            tuple("topic", "lines-dlq", false, List.of(io.strimzi.api.kafka.model.user.acl.AclOperation.WRITE), null),
            tuple("transactionalId", identity + "-", true,
                List.of(io.strimzi.api.kafka.model.user.acl.AclOperation.WRITE), null),
            tuple("transactionalId", identity + ".dead-letter-", true,
                List.of(io.strimzi.api.kafka.model.user.acl.AclOperation.WRITE), null));

    FlinkDeployment deployment = PipelineChildren.flinkDeployment(pipeline, OperatorConfig.defaults(), connection, 42L);
    assertThat(deployment.getSpec().getRestartNonce()).isEqualTo(42L);
    PipelinePlan plan = PlanCodec.decode(deployment.getSpec().getJob().getArgs()[1]);
    assertThat(plan.bootstrapServers()).isEqualTo(ADDRESS);
    assertThat(plan.kafkaProperties()).isEqualTo(connection.kafkaProperties());
    var pod = deployment.getSpec().getPodTemplate().getSpec();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
        .extracting(Volume::getName, v -> v.getSecret().getSecretName(), v -> v.getSecret().getDefaultMode(),
            v -> v.getSecret().getItems().stream().map(i -> i.getKey() + "->" + i.getPath()).toList())
        .containsExactly(tuple("kafka-ca", "events-cluster-ca-cert", 0440, List.of("ca.crt->ca.crt")),
            tuple("kafka-user", "streampipeline-wordcount", 0440, List.of("sasl.jaas.config->sasl.jaas.config")));
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .extracting(VolumeMount::getName, VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .contains(tuple("kafka-ca", KafkaClientSecurity.CA_SECRET_MOUNT, true),
            tuple("kafka-user", KafkaClientSecurity.USER_SECRET_MOUNT, true));
  }

  private static String name(AclRuleResource resource) {
    return Serialization.jsonMapper().convertValue(resource, com.fasterxml.jackson.databind.JsonNode.class)
        .get("name").asText();
  }

  private static KafkaAuthenticationSpec scram(String secretName) {
    return new KafkaAuthenticationSpec(KafkaAuthenticationType.SCRAM_SHA_512, secretName);
  }

  private static KafkaListener listener(boolean tls, String authentication) {
    return new KafkaListener("tls", ADDRESS, tls, authentication);
  }

  /** The test resources' word count in namespace team-a, on {@code listener}. */
  private static StreamPipeline pipeline(String listener, KafkaAuthenticationSpec auth, KafkaTlsSpec tls) {
    StreamPipeline pipeline = Serialization.unmarshal(
        KafkaConnectionTest.class.getResourceAsStream("/wordcount-pipeline.yaml"), StreamPipeline.class);
    pipeline.getMetadata().setNamespace("team-a");
    pipeline.getMetadata().setUid("0000-uid");
    pipeline.getSpec().getKafka().setListener(listener);
    pipeline.getSpec().getKafka().setAuthentication(auth);
    pipeline.getSpec().getKafka().setTls(tls);
    return pipeline;
  }
}
