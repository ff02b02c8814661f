package io.streampipeline.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.streampipeline.model.KafkaAuthenticationSpec;
import io.streampipeline.model.KafkaAuthenticationType;
import io.streampipeline.operator.api.KafkaAccessStatus;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.TestCluster;
import io.streampipeline.plan.KafkaClientSecurity;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pipeline on a secured Strimzi cluster, the operator in-process against a real kube-apiserver, the tests
 * playing Strimzi's cluster and User Operators and the Flink operator: the listener is read from the Kafka
 * resource, the KafkaUser is made with the pipeline's ACLs, the job waits for the user and its Secret, the Secrets
 * reach the pods as mounted volumes, a rotated Secret restarts the job, and what cannot work is refused by name.
 */
class SecuredKafkaOperatorTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> TOPICS = List.of("lines", "word-counts", "lines-dlq");
  private static final String USER = "streampipeline-wordcount";
  /** What must never appear outside the Secret: in a status, an event, a FlinkDeployment. */
  private static final String PASSWORD = "s3cr3t-P4ssw0rd-of-the-test";
  private static final String ROTATED_PASSWORD = "r0tated-P4ssw0rd-of-the-test";

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static PlayedOperators played;
  private static StreamPipelineOperator operator;

  private String namespace;

  @BeforeAll
  static void startCluster() {
    cluster = TestCluster.start().withAllCrds();
    client = cluster.client();
    played = new PlayedOperators(client);
    operator = StreamPipelineOperator.start(client, OperatorConfig.defaults(), Optional.empty());
  }

  @AfterAll
  static void stopCluster() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void securedKafkaCluster() {
    namespace = cluster.newNamespace("secured");
    played.createSecuredKafkaCluster(namespace, "events");
    client.resource(strimziSecret("events-cluster-ca-cert", "Kafka", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----")))
        .create();
  }

  @Test
  void scramUserWithThePipelinesAclsGatesTheJobThenItsSecretIsMountedAndARotationRestartsTheJob() {
    client.resource(pipeline("tls", new KafkaAuthenticationSpec(KafkaAuthenticationType.SCRAM_SHA_512, null))).create();

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(user()).isNotNull());
    KafkaUser user = user();
    assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "events");
    assertThat(user.getSpec().getAuthentication().getType()).isEqualTo("scram-sha-512");
    assertThat(user.getSpec().getAuthorization().getType()).isEqualTo("simple");
    assertThat(user.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("wordcount"));
    topicsReady();
    awaitReadyReason("KafkaUserNotReady", "waiting for Strimzi's User Operator to make KafkaUser " + USER + " Ready");
    assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Pending);

    played.kafkaUserReady(namespace, USER);
    awaitReadyReason("KafkaSecretNotFound", "Secret " + USER + " (the Secret of KafkaUser " + USER + ") does not exist"
        + " in namespace " + namespace);
    assertThat(deployment()).as("no FlinkDeployment before the user's Secret exists").isNull();

    client.resource(strimziSecret(USER, "KafkaUser", scram(PASSWORD))).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment()).isNotNull());
    FlinkDeployment deployment = deployment();
    PipelinePlan plan = PlanCodec.decode(deployment.getSpec().getJob().getArgs()[1]);
    assertThat(plan.bootstrapServers()).as("the listener's address from the Kafka's status")
        .isEqualTo("events-kafka-bootstrap." + namespace + ".svc:9093");
    assertThat(plan.kafkaProperties()).isEqualTo(KafkaClientSecurity.scramSha512(
        Path.of(KafkaClientSecurity.USER_SECRET_MOUNT), Path.of(KafkaClientSecurity.CA_SECRET_MOUNT, "ca.crt")));
    assertThat(deployment.getSpec().getPodTemplate().getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName()).containsExactly("events-cluster-ca-cert", USER);
    Long nonce = deployment.getSpec().getRestartNonce();
    assertThat(nonce).isNotNull();

    played.flinkRunning(namespace, "wordcount", "job-1");
    awaitReadyReason("JobRunning", "topics ready and the job runs the current spec");
    assertThat(pipeline().getStatus().getKafka()).isEqualTo(new KafkaAccessStatus("tls",
        "events-kafka-bootstrap." + namespace + ".svc:9093", "SASL_SSL", "scram-sha-512", USER, USER, true));

    // Rotation: a new password in the Secret restarts the job, through the FlinkDeployment's restartNonce only.
    String argsBefore = deployment().getSpec().getJob().getArgs()[1];
    client.secrets().inNamespace(namespace).withName(USER).edit(s -> {
      s.setData(encoded(scram(ROTATED_PASSWORD)));
      return s;
    });
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment().getSpec().getRestartNonce())
        .isNotNull().isNotEqualTo(nonce));
    assertThat(deployment().getSpec().getJob().getArgs()[1]).isEqualTo(argsBefore);

    assertNoSecretValueIn("the FlinkDeployment", Serialization.asJson(deployment()));
    assertNoSecretValueIn("the StreamPipeline", Serialization.asJson(pipeline()));
    assertNoSecretValueIn("the events", Serialization.asJson(client.v1().events().inNamespace(namespace).list()));
  }

  @Test
  void unknownListenerIsRefusedNamingTheListenersThereAre() {
    client.resource(pipeline("external", null)).create();
    awaitReadyReason("KafkaListenerNotFound", "Kafka events has no listener 'external' (spec.kafka.listener); its"
        + " listeners: plain, tls, mtls");
    assertNothingCreated("Reconciling");
  }

  @Test
  void authenticationTheListenerDoesNotTakeIsRefused() {
    client.resource(pipeline("mtls", new KafkaAuthenticationSpec(KafkaAuthenticationType.SCRAM_SHA_512, null)))
        .create();
    awaitReadyReason("KafkaAuthenticationNotOffered", "listener 'mtls' of Kafka events does not take scram-sha-512"
        + " authentication (spec.kafka.authentication.type); it takes tls");
    assertNothingCreated("Stalled");
  }

  @Test
  void kafkaUserRefusedByStrimziIsReportedWithStrimzisMessage() {
    client.resource(pipeline("mtls", new KafkaAuthenticationSpec(KafkaAuthenticationType.TLS, null))).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(user()).isNotNull());
    assertThat(user().getSpec().getAuthentication().getType()).isEqualTo("tls");
    topicsReady();
    played.kafkaUserRefused(namespace, USER, "InvalidResourceException", "Users with TLS client authentication can"
        + " have a username (name of the KafkaUser custom resource) only up to 64 characters long.");
    awaitReadyReason("KafkaUserRefused", "Strimzi refused KafkaUser " + USER + ": InvalidResourceException: Users with"
        + " TLS client authentication can have a username");
    assertThat(condition("Stalled").getStatus()).isEqualTo("True");
    assertThat(deployment()).isNull();
  }

  @Test
  void aKafkaUserOfTheSameNameThatIsNotThePipelinesIsNeverTakenOver() {
    client.resource(new KafkaUserBuilder().withNewMetadata().withName(USER).withNamespace(namespace)
        .addToLabels("strimzi.io/cluster", "events").endMetadata()
        .withNewSpec().withNewKafkaUserScramSha512ClientAuthentication().endKafkaUserScramSha512ClientAuthentication()
        .endSpec().build()).create();
    client.resource(pipeline("tls", new KafkaAuthenticationSpec(KafkaAuthenticationType.SCRAM_SHA_512, null))).create();
    awaitReadyReason("KafkaUserConflict", "KafkaUser " + USER + " exists and was not created by this pipeline");
    assertThat(user().getMetadata().getLabels()).doesNotContainKey("streampipeline.io/pipeline");
    assertThat(user().getSpec().getAuthorization()).isNull();
  }

  @Test
  void aUsersSecretWithoutTheKeysOrTheLabelIsRefusedNamingTheKeysNeverTheirValues() {
    Map<String, String> incomplete = Map.of("user.crt", PASSWORD);
    client.resource(strimziSecret("team-user", "KafkaUser", incomplete)).create();
    client.resource(pipeline("mtls", new KafkaAuthenticationSpec(KafkaAuthenticationType.TLS, "team-user"))).create();
    topicsReady();
    awaitReadyReason("KafkaSecretKeyMissing", "Secret team-user (spec.kafka.authentication.secretName) has no key"
        + " user.p12, user.password; its keys: user.crt");
    assertThat(user()).as("no KafkaUser when the spec names a Secret").isNull();
    assertThat(deployment()).isNull();

    client.resource(new SecretBuilder().withNewMetadata().withName("unlabelled").withNamespace(namespace).endMetadata()
        .withData(encoded(Map.of("user.p12", "p12", "user.password", PASSWORD))).build()).create();
    edit(p -> p.getSpec().getKafka().getAuthentication().setSecretName("unlabelled"));
    awaitReadyReason("KafkaSecretNotWatched", "Secret unlabelled (spec.kafka.authentication.secretName) has no label"
        + " strimzi.io/cluster: label it strimzi.io/cluster=events");
    assertNoSecretValueIn("the StreamPipeline", Serialization.asJson(pipeline()));
  }

  // --- helpers ---

  /** Strimzi's part, once the operator has created the pipeline's KafkaTopics. */
  private void topicsReady() {
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class)
        .inNamespace(namespace).list().getItems()).hasSize(TOPICS.size()));
    TOPICS.forEach(t -> played.topicReady(namespace, t));
  }

  private void assertNothingCreated(String kstatus) {
    assertThat(condition(kstatus).getStatus()).isEqualTo("True");
    assertThat(client.resources(io.strimzi.api.kafka.model.topic.KafkaTopic.class).inNamespace(namespace).list()
        .getItems()).isEmpty();
    assertThat(user()).isNull();
    assertThat(deployment()).isNull();
  }

  private static void assertNoSecretValueIn(String what, String text) {
    for (String value : List.of(PASSWORD, ROTATED_PASSWORD)) {
      assertThat(text).as("%s", what).doesNotContain(value)
          .doesNotContain(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** Strimzi's User Operator's layout of a SCRAM-SHA-512 user's Secret. */
  private static Map<String, String> scram(String password) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("password", password);
    data.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + USER + "\" password=\"" + password + "\";");
    return data;
  }

  private Secret strimziSecret(String name, String kind, Map<String, String> data) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToLabels("strimzi.io/cluster", "events").addToLabels("strimzi.io/kind", kind).endMetadata()
        .withData(encoded(data)).build();
  }

  private static Map<String, String> encoded(Map<String, String> data) {
    Map<String, String> encoded = new LinkedHashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }

  private StreamPipeline pipeline(String listener, KafkaAuthenticationSpec authentication) {
    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    pipeline.getSpec().getKafka().setListener(listener);
    pipeline.getSpec().getKafka().setAuthentication(authentication);
    return pipeline;
  }

  private void awaitReadyReason(String reason, String message) {
    await().atMost(TIMEOUT).untilAsserted(() -> {
      Condition ready = condition("Ready");
      assertThat(ready.getReason()).as("Ready: %s", ready.getMessage()).isEqualTo(reason);
      assertThat(ready.getMessage()).startsWith(message);
    });
  }

  private void edit(Consumer<StreamPipeline> change) {
    client.resources(StreamPipeline.class).inNamespace(namespace).withName("wordcount").edit(p -> {
      change.accept(p);
      return p;
    });
  }

  private Condition condition(String type) {
    StreamPipeline pipeline = pipeline();
    assertThat(pipeline.getStatus()).as("status").isNotNull();
    return pipeline.getStatus().condition(type).orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private StreamPipeline pipeline() {
    return client.resources(StreamPipeline.class).inNamespace(namespace).withName("wordcount").get();
  }

  private KafkaUser user() {
    return client.resources(KafkaUser.class).inNamespace(namespace).withName(USER).get();
  }

  private FlinkDeployment deployment() {
    return client.resources(FlinkDeployment.class).inNamespace(namespace).withName("wordcount").get();
  }
}
