package io.streampipeline.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.operator.StreamPipelineOperator;
import io.streampipeline.operator.api.KafkaAccessStatus;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.TestCluster;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The word count end to end over SASL_SSL with SCRAM-SHA-512, as the operator sets it up on a secured Strimzi
 * cluster: a Kafka 4.1 broker with TLS, SCRAM and the StandardAuthorizer (no access without an ACL), the Kafka
 * resource's listener in spec and status ({@link StrimziClusterStandIn}), the KafkaUser the operator creates, made
 * real on the broker with its ACLs and Secret by {@link StrimziUserOperatorStandIn}, and the job reading its
 * credentials from the mounted Secret through Kafka's config provider ({@link FlinkOperatorStandIn}). Then the
 * password is rotated, and the job restarts with the new one. Nothing of the secret values may appear in the run's
 * logs, the events, the StreamPipeline or the FlinkDeployment.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredWordCountEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final String PIPELINE = "wordcount";
  private static final String USER = "streampipeline-wordcount";

  @TempDir
  static Path work;

  private static final StringWriter logs = new StringWriter();
  private static TestCluster kube;
  private static KubernetesClient client;
  private static LocalKafkaBroker kafka;
  private static StrimziTopicOperatorStandIn topicOperator;
  private static StrimziUserOperatorStandIn userOperator;
  private static FlinkOperatorStandIn flinkOperator;
  private static StreamPipelineOperator operator;
  private static Kubectl kubectl;
  private static Topics topics;
  private static String namespace;
  private static final Map<String, Long> expected = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    captureLogs();
    kube = TestCluster.start().withAllCrds();
    if (TestCluster.garbageCollectorAvailable()) {
      kube.withGarbageCollector();
    }
    client = kube.client();
    kafka = LocalKafkaBroker.startSecured();
    namespace = kube.newNamespace("secured-e2e");
    StrimziClusterStandIn.publish(client, namespace, "events", kafka);
    topicOperator = new StrimziTopicOperatorStandIn(client, namespace, kafka.admin()).start();
    userOperator = new StrimziUserOperatorStandIn(client, namespace, "events", kafka).start();
    flinkOperator = new FlinkOperatorStandIn(client, namespace, 2,
        Path.of(System.getProperty("streampipeline.job.jar", "../job/target/streampipeline-job.jar")),
        work.resolve("flink-state")).start();
    operator = StreamPipelineOperator.start(client, OperatorConfig.fromEnvironment(Map.of(
        "STREAMPIPELINE_FLINK_REST_URL", flinkOperator.restAddress().toString())), Optional.empty());
    kubectl = new Kubectl(kube.kubeconfigFile());
    // The test's own reads and writes are the harness's, a super user: only the pipeline is held to its ACLs.
    topics = new Topics(kafka.superUserClientConfig());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable closeable : new AutoCloseable[] {operator, flinkOperator, userOperator, topicOperator, kafka,
        kube}) {
      if (closeable != null) {
        closeable.close();
      }
    }
  }

  @Test
  @Order(1)
  void theWordCountRunsOverSaslSslWithTheUserTheOperatorMadeAndOnlyItsAcls() throws Exception {
    kubectl.run("apply", "-n", namespace, "-f", pipelineFile().toString());
    kubectl.run("wait", "-n", namespace, "--for=condition=Ready", "sp/" + PIPELINE, "--timeout=400s");

    assertThat(pipeline().getStatus().getKafka()).isEqualTo(new KafkaAccessStatus(StrimziClusterStandIn.SCRAM_LISTENER,
        kafka.bootstrapServers(LocalKafkaBroker.Listener.SCRAM_SHA_512), "SASL_SSL", "scram-sha-512", USER, USER, true));
    KafkaUser user = client.resources(KafkaUser.class).inNamespace(namespace).withName(USER).get();
    assertThat(user.getStatus().getConditions()).anySatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
    String identity = "streampipeline." + namespace + "." + PIPELINE;
    assertThat(aclsOf("User:" + USER)).as("the ACLs on the broker").containsExactlyInAnyOrder(
        "TOPIC:LITERAL:lines:READ", "GROUP:LITERAL:" + identity + ":READ", "TOPIC:LITERAL:word-counts:WRITE",
        "TOPIC:LITERAL:lines-dlq:WRITE", "TRANSACTIONAL_ID:PREFIXED:" + identity + "-:WRITE",
        "TRANSACTIONAL_ID:PREFIXED:" + identity + ".dead-letter-:WRITE");

    feed(List.of("secured kafka counts words", "kafka counts"));
    assertSinkHoldsExpectedCounts();
  }

  /**
   * Deleting the user's Secret is how Strimzi rotates a SCRAM password: its User Operator makes a new one. The
   * operator sees the Secret change and bumps the FlinkDeployment's restartNonce; the job restarts from a savepoint
   * with the new password (the old one no longer exists on the broker) and goes on counting.
   */
  @Test
  @Order(2)
  void aRotatedPasswordRestartsTheJobWhichGoesOnCounting() throws Exception {
    JobID before = flinkOperator.lastJob(PIPELINE).orElseThrow();
    Long nonce = deployment().getSpec().getRestartNonce();

    kubectl.run("delete", "secret", "-n", namespace, USER);

    await("a new job after the rotation").atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(deployment().getSpec().getRestartNonce()).isNotEqualTo(nonce);
      JobID after = flinkOperator.lastJob(PIPELINE).orElseThrow();
      assertThat(after).isNotEqualTo(before);
      assertThat(flinkOperator.cluster().getJobStatus(after).get()).isEqualTo(JobStatus.RUNNING);
    });
    assertThat(userOperator.issuedSecrets()).as("passwords issued: the first and the rotated one").hasSize(2);
    feed(List.of("rotated kafka password", "words counted once"));
    assertSinkHoldsExpectedCounts();
  }

  @Test
  @Order(3)
  void noSecretValueIsInTheLogsEventsStatusOrFlinkDeployment() {
    Collection<String> secrets = userOperator.issuedSecrets();
    assertThat(secrets).isNotEmpty();
    Map<String, String> places = Map.of(
        "the run's logs", logs.toString(),
        "the events", Serialization.asJson(client.v1().events().inNamespace(namespace).list()),
        "the StreamPipeline", Serialization.asJson(pipeline()),
        "the FlinkDeployment", Serialization.asJson(deployment()));
    assertThat(places.get("the run's logs")).as("the logs were captured").contains("KafkaUser " + USER);
    places.forEach((place, text) -> secrets.forEach(secret -> assertThat(text).as("%s", place)
        .doesNotContain(secret)
        .doesNotContain(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))));
  }

  // --- helpers ---

  /** Every log event of the run, as the configured levels let through, also into {@link #logs}. */
  private static void captureLogs() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    WriterAppender appender = WriterAppender.newBuilder().setName("secret-grep").setTarget(logs)
        .setLayout(PatternLayout.newBuilder().withPattern("%d %-5level %c - %msg%n%throwable").build()).build();
    appender.start();
    context.getConfiguration().addAppender(appender);
    context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    context.updateLoggers();
  }

  private static Path pipelineFile() throws IOException {
    Path file = work.resolve("secured-wordcount.yaml");
    try (var in = SecuredWordCountEndToEndTest.class.getResourceAsStream("/local/secured-wordcount.yaml")) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  private static List<String> aclsOf(String principal) throws Exception {
    Collection<AclBinding> bindings = kafka.admin().describeAcls(new AclBindingFilter(ResourcePatternFilter.ANY,
        new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY)))
        .values().get(30, TimeUnit.SECONDS);
    return bindings.stream().map(b -> b.pattern().resourceType() + ":" + b.pattern().patternType() + ":"
        + b.pattern().name() + ":" + b.entry().operation()).toList();
  }

  private static void feed(List<String> lines) {
    topics.send("lines", lines);
    lines.forEach(line -> List.of(line.split(" ")).forEach(word -> expected.merge(word, 1L, Long::sum)));
  }

  /** Each word's records on the sink are its counts 1, 2, ... in order: none lost, none twice, none restarted. */
  private static void assertSinkHoldsExpectedCounts() {
    List<ConsumerRecord<byte[], byte[]>> records = topics.read("word-counts",
        read -> assertThat(latest(read)).isEqualTo(expected), Duration.ofSeconds(3));
    Map<String, List<Long>> histories = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      histories.computeIfAbsent(json(record.key()).get("word").asText(), w -> new ArrayList<>())
          .add(json(record.value()).get("cnt").asLong());
    }
    histories.forEach((word, counts) -> assertThat(counts).as("counts written for %s", word)
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, expected.get(word)).boxed().toList()));
  }

  private static Map<String, Long> latest(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Long> latest = new TreeMap<>();
    records.forEach(r -> latest.put(json(r.key()).get("word").asText(), json(r.value()).get("cnt").asLong()));
    return latest;
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static StreamPipeline pipeline() {
    return client.resources(StreamPipeline.class).inNamespace(namespace).withName(PIPELINE).get();
  }

  private static FlinkDeployment deployment() {
    return client.resources(FlinkDeployment.class).inNamespace(namespace).withName(PIPELINE).get();
  }
}
