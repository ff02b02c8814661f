package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.rawSource;
import static io.streampipeline.job.Plans.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.kafka.local.LocalKafkaBroker.Listener;
import io.streampipeline.kafka.local.UserSecret;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.KafkaAccess;
import io.streampipeline.plan.KafkaAccess.AclRule;
import io.streampipeline.plan.KafkaClientSecurity;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SourcePlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job against a secured Kafka 4.1 broker (TLS, SCRAM-SHA-512, mutual TLS, no access without an ACL), as a
 * pipeline's Kafka user reaches it: the user's Secret in Strimzi's layout mounted as files, read by the clients
 * through {@code DirectoryConfigProvider} (the plan, the job graph and the logs hold none of its values), and
 * exactly {@link KafkaAccess} granted. Then each of those ACLs is taken away in turn, to show that it is needed.
 */
class SecuredKafkaJobTest {

  private static final InMemoryReporter METRICS = InMemoryReporter.create();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setConfiguration(METRICS.addToConfiguration(new Configuration()))
      .setNumberTaskManagers(1)
      .setNumberSlotsPerTaskManager(2)
      .build());

  @RegisterExtension
  static final Kafka KAFKA = Kafka.secured();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The JSON pipeline's input: three readable orders and one that goes to the dead-letter topic. */
  private static final List<String> ORDERS = List.of("{\"id\": 1, \"amount\": 5}", "{\"id\": 2, \"amount\": 50}",
      "not json", "{\"id\": 3, \"amount\": 70}");

  @TempDir
  static Path secrets;

  private static Path caCertificate;
  private static String ordersIn;

  /** How a pipeline's user authenticates, as {@code spec.kafka.authentication.type} says. */
  enum Authentication {
    SCRAM_SHA_512(Listener.SCRAM_SHA_512),
    TLS(Listener.MTLS);

    final Listener listener;

    Authentication(Listener listener) {
      this.listener = listener;
    }
  }

  @BeforeAll
  static void mountTheClusterCa() throws IOException {
    caCertificate = Files.createDirectories(secrets.resolve("ca")).resolve("ca.crt");
    Files.copy(KAFKA.broker().caCertificate(), caCertificate);
    ordersIn = topic("orders");
    KAFKA.createTopics(1, ordersIn);
    KAFKA.send(ordersIn, ORDERS);
  }

  @ParameterizedTest
  @EnumSource(Authentication.class)
  void wordCountRunsWithExactlyItsAcls(Authentication authentication, @InjectMiniCluster MiniCluster cluster)
      throws Exception {
    String lines = topic("lines");
    String counts = topic("counts");
    KAFKA.createTopics(2, lines, counts);
    List<String> text = List.of("the quick brown fox", "The lazy dog", "fox and dog and fox");
    KAFKA.send(lines, text);
    UserSecret user = user(authentication);
    PipelinePlan plan = secured(Plans.plan("unused", List.of(rawSource("lines", lines)),
        "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word",
        jsonSink(counts, "word"), null, DeliveryGuarantee.EXACTLY_ONCE), authentication, user);
    grant(user, KafkaAccess.of(plan));

    assertThat(serialized(plan)).as("the job graph refers to the mounted Secret and holds none of its values")
        .contains(secretDir(user).toString())
        .doesNotContain(user.password());
    Map<String, Long> expected = PipelineJobTest.countWords(text);
    try (CapturedLogs logs = new CapturedLogs(); LocalPipeline run = LocalPipeline.start(cluster, plan, 2, null)) {
      KAFKA.readUntil(counts, records -> PipelineJobTest.latestCounts(records).equals(expected));
      assertThat(String.join("\n", logs.lines())).as("the logs, with the Kafka clients' configurations")
          .contains("ProducerConfig values", "ConsumerConfig values")
          .doesNotContain(user.password());
    }
  }

  @ParameterizedTest
  @EnumSource(Authentication.class)
  void jsonPipelineWithDeadLettersRunsWithExactlyItsAcls(Authentication authentication,
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    UserSecret user = user(authentication);
    PipelinePlan plan = secured(ordersPlan(20), authentication, user);
    grant(user, KafkaAccess.of(plan));

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      List<JsonNode> big = KAFKA.read(plan.sink().topic(), r -> r.size() >= 2, Duration.ofSeconds(1)).stream()
          .map(record -> json(record.value())).toList();
      assertThat(big).containsExactlyInAnyOrder(json("{\"id\": 2, \"amount\": 50}"), json("{\"id\": 3, \"amount\": 70}"));
      List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.read(plan.deadLetterTopic(), r -> r.size() >= 1,
          Duration.ofSeconds(1));
      assertThat(dead).extracting(record -> Kafka.text(record.value())).containsExactly("not json");
    }
  }

  /** A plan of the JSON pipeline and one of the ACLs it needs. */
  record MissingAcl(PipelinePlan plan, AclRule rule) {}

  /** Each rule of the JSON pipeline, with a plan (its own topics and ids) that runs without it. */
  static Stream<Named<MissingAcl>> rulesOfTheJsonPipeline() {
    return IntStream.range(0, KafkaAccess.of(ordersPlan(0)).rules().size()).mapToObj(i -> {
      PipelinePlan plan = ordersPlan(0);
      AclRule rule = KafkaAccess.of(plan).rules().get(i);
      return Named.of(rule.describe(), new MissingAcl(plan, rule));
    });
  }

  @ParameterizedTest
  @MethodSource("rulesOfTheJsonPipeline")
  void withoutOneOfItsAclsTheJobFailsNamingTheResource(MissingAcl missing, @InjectMiniCluster MiniCluster cluster)
      throws Exception {
    UserSecret user = user(Authentication.SCRAM_SHA_512);
    PipelinePlan plan = secured(missing.plan(), Authentication.SCRAM_SHA_512, user);
    grant(user, new KafkaAccess(KafkaAccess.of(plan).rules().stream()
        .filter(rule -> !rule.equals(missing.rule())).toList()));

    try (LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      JobResult result = run.awaitResult();
      assertThat(result.isSuccess()).as("the job without %s", missing.rule().describe()).isFalse();
      String failure = ExceptionUtils.stringifyException(
          result.getSerializedThrowable().orElseThrow().deserializeError(getClass().getClassLoader()));
      assertThat(failure).as("the failure without %s", missing.rule().describe()).contains(missing.rule().name());
    }
  }

  /**
   * A group the user may not use only shows when offsets are committed: a source starting from the earliest
   * offsets reads by assignment and never asks the group for offsets. The job keeps running and writing, and
   * the failed commits show in the source's {@code commitsFailed} metric and in a warning naming the group;
   * nothing is committed, so a restart from committed offsets would read the input again.
   */
  @Test
  void withoutItsGroupTheSourceReadsButCommitsNoOffsets(@InjectMiniCluster MiniCluster cluster) throws Exception {
    String lines = topic("uncommitted-lines");
    String counts = topic("uncommitted-counts");
    KAFKA.createTopics(1, lines, counts);
    List<String> text = List.of("one two", "two");
    KAFKA.send(lines, text);
    UserSecret user = user(Authentication.SCRAM_SHA_512);
    PipelinePlan plan = secured(Plans.plan("unused", List.of(rawSource("lines", lines)),
        "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word",
        jsonSink(counts, "word"), null, DeliveryGuarantee.AT_LEAST_ONCE), Authentication.SCRAM_SHA_512, user);
    KafkaAccess access = KafkaAccess.of(plan);
    grant(user, new KafkaAccess(access.rules().stream()
        .filter(rule -> rule.resourceType() != KafkaAccess.ResourceType.GROUP).toList()));

    try (CapturedLogs logs = new CapturedLogs(); LocalPipeline run = LocalPipeline.start(cluster, plan, 1, null)) {
      KAFKA.readUntil(counts, records -> PipelineJobTest.latestCounts(records).equals(Map.of("one", 1L, "two", 2L)));
      await("failed offset commits").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(counter(run, "KafkaSourceReader.commitsFailed")).isPositive());
      assertThat(logs.lines()).as("the job's warnings").anySatisfy(line -> assertThat(line)
          .contains("Failed to commit consumer offsets", "Not authorized to access group: " + plan.consumerGroup()));
      assertThat(counter(run, "KafkaSourceReader.commitsSucceeded")).isZero();
      assertThat(KAFKA.broker().admin().listConsumerGroupOffsets(plan.consumerGroup())
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)).as("offsets committed to the group").isEmpty();
    }
  }

  /**
   * A plan of the JSON pipeline over {@link #ordersIn}: orders above 10 to a sink topic of its own, the unreadable
   * one to a dead-letter topic of its own, exactly once, starting from the group's committed offsets. Not secured.
   */
  private static PipelinePlan ordersPlan(int restartAttempts) {
    String out = topic("big-orders");
    String dead = topic("orders-dead");
    KAFKA.createTopics(1, out, dead);
    SourcePlan source = jsonSource("orders", ordersIn, List.of(column("id", "BIGINT", true),
        column("amount", "INT", true)), null);
    PipelinePlan base = Plans.plan("unused", List.of(source), "SELECT id, amount FROM orders WHERE amount > 10",
        jsonSink(out), dead, DeliveryGuarantee.EXACTLY_ONCE);
    return new PipelinePlan(base.version(), base.pipeline(), base.bootstrapServers(), base.sources(), base.sql(),
        base.sink(), base.deadLetterTopic(), base.delivery(), base.checkpointIntervalMs(), restartAttempts,
        base.restartDelayMs(), base.consumerGroup(), base.transactionalIdPrefix(), base.state(), null);
  }

  /** A new Kafka user of the pipeline, its Secret mounted (written) in a directory of its own. */
  private static UserSecret user(Authentication authentication) {
    String name = topic("pipeline");
    UserSecret user = authentication == Authentication.TLS
        ? UserSecret.mutualTls(KAFKA.broker(), name) : UserSecret.scramSha512(KAFKA.broker(), name);
    user.writeTo(secretDir(user));
    return user;
  }

  private static Path secretDir(UserSecret user) {
    return secrets.resolve(user.principal().replace(':', '_').replace('=', '_'));
  }

  /** The plan against {@code authentication}'s listener, with the client properties the operator gives its job. */
  private static PipelinePlan secured(PipelinePlan plan, Authentication authentication, UserSecret user) {
    Map<String, String> properties = authentication == Authentication.TLS
        ? KafkaClientSecurity.mutualTls(secretDir(user), caCertificate)
        : KafkaClientSecurity.scramSha512(secretDir(user), caCertificate);
    return plan.withKafka(KAFKA.broker().bootstrapServers(authentication.listener), properties);
  }

  /** Grants {@code access} to the user through the Admin API, as the User Operator applies a KafkaUser's ACLs. */
  private static void grant(UserSecret user, KafkaAccess access) throws Exception {
    KAFKA.broker().admin().createAcls(KafkaAcls.bindings(user.principal(), access)).all().get(30, TimeUnit.SECONDS);
  }

  private static long counter(LocalPipeline run, String name) {
    return METRICS.findMetrics(run.jobId(), name).values().stream().mapToLong(m -> ((Counter) m).getCount()).sum();
  }

  /** The job graph as Flink ships it to the cluster and keeps it in HA storage. */
  private static String serialized(PipelinePlan plan) throws IOException {
    return new String(InstantiationUtil.serializeObject(LocalPipeline.jobGraph(plan, 2)), StandardCharsets.ISO_8859_1);
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode json(String text) {
    return json(text.getBytes(StandardCharsets.UTF_8));
  }
}
