package io.streampipeline.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.operator.StreamPipelineOperator;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.SourceBacklog;
import io.streampipeline.operator.api.UpgradeCheckStatus;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.TestCluster;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The word-count pipeline's life, end to end: the real operator against a real kube-apiserver, a real KRaft
 * broker, and the bundled job jar running in a Flink MiniCluster, with {@link StrimziTopicOperatorStandIn} and
 * {@link FlinkOperatorStandIn} doing the work of the Strimzi and Flink operators, and {@link UpgradeCheckJobStandIn}
 * running the operator's upgrade checks. The user's side is played with the {@code kubectl} binary and Kafka clients.
 *
 * <p>The scenarios are one story in one namespace, in order (applied; a SQL change that would corrupt the counts
 * blocked; a compatible change upgraded from a savepoint; the blocked change applied without state; suspended and
 * resumed; deleted), because each one starts from the state the previous one leaves, as a pipeline's life does; and
 * one pipeline start is what most of the time goes to.
 *
 * <p>What the sink must hold is computed here, independently of Flink: {@link #expected} counts the words of
 * every line fed under the rule the SQL in effect applies when the line is processed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WordCountPipelineEndToEndTest {

  private static final Logger LOG = LoggerFactory.getLogger(WordCountPipelineEndToEndTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  /** Longer than a few checkpoint intervals (1s): a duplicate committed late would show up meanwhile. */
  private static final Duration SETTLE = Duration.ofSeconds(3);
  private static final String PIPELINE = "wordcount";
  private static final String SOURCE = "lines";
  private static final String SINK = "word-counts";
  private static final String DEAD_LETTER = "lines-dlq";
  /** The first SQL counts every word. */
  private static final Predicate<String> EVERY_WORD = word -> true;
  /** The changed SQL's {@code WHERE CHAR_LENGTH(word) > 3}. */
  private static final Predicate<String> LONG_WORDS = word -> word.length() > 3;
  /** The Prometheus reporter the operator configures in every FlinkDeployment, and our series on it. */
  private static final String REPORTER = "prom";
  private static final String SOURCE_RECORDS_IN = "flink_taskmanager_job_task_operator_source_recordsIn";
  private static final String SOURCE_DEAD_LETTERED = "flink_taskmanager_job_task_operator_source_deadLetteredRecords";
  private static final String SINK_RECORDS_OUT = "flink_taskmanager_job_task_operator_user_sink_recordsOut";

  @TempDir
  static Path work;

  private static TestCluster kube;
  private static KubernetesClient client;
  private static LocalKafkaBroker kafka;
  private static StrimziTopicOperatorStandIn strimzi;
  private static FlinkOperatorStandIn flinkOperator;
  private static UpgradeCheckJobStandIn upgradeChecks;
  private static StreamPipelineOperator operator;
  private static Kubectl kubectl;
  private static Topics topics;
  private static String namespace;

  /** The count per word in the job's state: the test's own word count, emptied when the job starts without state. */
  private static final Map<String, Long> counts = new TreeMap<>();
  /** The latest count per word the sink must hold. */
  private static final Map<String, Long> expected = new TreeMap<>();
  /** Every count per word the sink must hold, in order. */
  private static final Map<String, List<Long>> histories = new TreeMap<>();
  /** Every line fed to the source topic, in order. */
  private static final List<String> fed = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    kube = TestCluster.start().withAllCrds();
    if (TestCluster.garbageCollectorAvailable()) {
      kube.withGarbageCollector();
    }
    client = kube.client();
    kafka = LocalKafkaBroker.start();
    namespace = kube.newNamespace("e2e");
    new PlayedOperators(client).createKafkaCluster(namespace, "events");
    strimzi = new StrimziTopicOperatorStandIn(client, namespace, kafka.admin()).start();
    flinkOperator = new FlinkOperatorStandIn(client, namespace, 2,
        Path.of(System.getProperty("streampipeline.job.jar", "../job/target/streampipeline-job.jar")),
        work.resolve("flink-state")).start();
    upgradeChecks = new UpgradeCheckJobStandIn(client, namespace,
        Path.of(System.getProperty("streampipeline.job.jar", "../job/target/streampipeline-job.jar")), work).start();
    // The stand-in's MiniCluster is every FlinkDeployment's JobManager; its REST API serves the job's metrics.
    operator = StreamPipelineOperator.start(client, OperatorConfig.fromEnvironment(Map.of(
        "STREAMPIPELINE_FLINK_REST_URL", flinkOperator.restAddress().toString(),
        "STREAMPIPELINE_PROGRESS_POLL_SECONDS", "2")), Optional.empty());
    kubectl = new Kubectl(kube.kubeconfigFile());
    topics = new Topics(kafka.bootstrapServers());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable closeable : new AutoCloseable[] {operator, upgradeChecks, flinkOperator, strimzi, kafka, kube}) {
      if (closeable != null) {
        closeable.close();
      }
    }
  }

  @Test
  @Order(1)
  void appliedWithKubectlItBecomesReadyAndCountsWords() throws Exception {
    kubectl.run("apply", "-n", namespace, "-f", render("wordcount.yaml").toString());
    kubectl.run("wait", "-n", namespace, "--for=condition=Ready", "sp/" + PIPELINE, "--timeout=180s");

    assertThat(kafka.admin().describeTopics(List.of(SOURCE, SINK, DEAD_LETTER)).allTopicNames().get()).satisfies(t -> {
      assertThat(t.get(SOURCE).partitions()).as("partitions of %s", SOURCE).hasSize(3);
      assertThat(t.get(SINK).partitions()).as("partitions of %s", SINK).hasSize(3);
    });
    assertThat(topicConfig(SOURCE, "retention.ms")).as("retention.ms of %s", SOURCE).isEqualTo("86400000");
    JobID job = runningJob();
    assertThat(pipeline().getStatus().getJob().getJobId()).isEqualTo(job.toHexString());

    PrometheusScrape before = scrapeJobMetrics();
    List<String> lines = batch(0, 150);
    feed(lines, EVERY_WORD);
    assertSinkHoldsExpectedCounts();
    // The job's own counters, as Prometheus scrapes them from the reporter the FlinkDeployment configures: every
    // line read once, one upsert written per word (UPDATE_BEFORE rows are not written), nothing dead-lettered.
    long words = lines.stream().mapToLong(line -> line.split(" ").length).sum();
    await("the job's counters on the Prometheus reporter").atMost(TIMEOUT).untilAsserted(() -> {
      PrometheusScrape after = scrapeJobMetrics();
      assertThat(moved(before, after, SOURCE_RECORDS_IN, job, Map.of("source", SOURCE))).as("records in")
          .isEqualTo(lines.size());
      assertThat(moved(before, after, SINK_RECORDS_OUT, job, Map.of("sink", SINK))).as("records out")
          .isEqualTo(words);
      assertThat(moved(before, after, SOURCE_DEAD_LETTERED, job, Map.of("source", SOURCE))).as("dead-lettered")
          .isZero();
    });
    // Every line read: the Kafka source's pendingRecords, read through Flink's REST API, is 0.
    kubectl.run("wait", "-n", namespace, "--for=condition=CaughtUp", "sp/" + PIPELINE, "--timeout=180s");
    assertThat(pipeline().getStatus().getProgress().getSources())
        .extracting(SourceBacklog::getSource, SourceBacklog::getBacklog).containsExactly(tuple("lines", "0"));
    assertThat(kubectl.run("get", "-n", namespace, "sp/" + PIPELINE)).contains("BACKLOG");
  }

  /**
   * The SQL changes to count only words longer than three characters: a filter upstream of the aggregation, so the
   * saved counts (which include short words, and words counted before the filter) would be restored into an
   * aggregation that now means something else. The operator's upgrade check (a Job of the job image, played by
   * {@link UpgradeCheckJobStandIn}) says so; the change is not applied: the pipeline is Stalled with reason
   * UpgradeBlocked naming the aggregate, the FlinkDeployment is untouched and the job counts on under the old SQL.
   */
  @Test
  @Order(2)
  void aChangeThatWouldCorruptTheCountsIsBlockedAndTheJobCountsOn() throws Exception {
    JobID before = runningJob();
    FlinkDeployment deploymentBefore = deployment();

    kubectl.run("apply", "-n", namespace, "-f", render("wordcount-long-words.yaml").toString());
    kubectl.run("wait", "-n", namespace, "--for=condition=Stalled", "sp/" + PIPELINE, "--timeout=180s");

    Condition stalled = condition(pipeline(), "Stalled");
    assertThat(stalled.getReason()).isEqualTo("UpgradeBlocked");
    assertThat(stalled.getMessage()).contains("incompatible in meaning", "GroupAggregate(groupBy=[word]",
        "spec.job.allowStateLoss");
    assertThat(pipeline().getStatus().getUpgradeCheck()).extracting(UpgradeCheckStatus::getVerdict).isEqualTo("INCOMPATIBLE");
    assertThat(client.v1().events().inNamespace(namespace).list().getItems()).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("UpgradeBlocked");
    });
    assertThat(deployment().getMetadata().getGeneration()).as("FlinkDeployment untouched")
        .isEqualTo(deploymentBefore.getMetadata().getGeneration());
    assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems()).as("check Jobs left").isEmpty();

    feed(batch(150, 200), EVERY_WORD);
    assertSinkHoldsExpectedCounts();
    assertThat(runningJob()).as("the job that ran before").isEqualTo(before);
  }

  /**
   * The SQL goes back and the parallelism goes to 2: a change the check passes (keyed state is redistributed over
   * the key groups), so the job stops with a savepoint and the new version starts from it, counts going on from the
   * saved state. Had the job ignored the savepoint, words would restart at 1; had it read its input again, they
   * would be counted twice: the per-word histories (1, 2, ... with no gap and no repeat) show both.
   */
  @Test
  @Order(3)
  void aCompatibleChangeIsUpgradedFromASavepointAndItsCountsGoOnFromTheSavedState() throws Exception {
    JobID before = runningJob();
    kubectl.run("apply", "-n", namespace, "-f", render("wordcount.yaml").toString());
    kubectl.run("wait", "-n", namespace, "--for=condition=Ready", "sp/" + PIPELINE, "--timeout=60s");
    assertThat(runningJob()).as("reverting the spec leaves the job alone").isEqualTo(before);

    kubectl.run("patch", "-n", namespace, "sp/" + PIPELINE, "--type", "merge",
        "-p", "{\"spec\":{\"job\":{\"parallelism\":2}}}");
    awaitReadyWithANewJob(before);

    assertThat(pipeline().getStatus().getUpgradeCheck()).extracting(UpgradeCheckStatus::getVerdict).isEqualTo("COMPATIBLE");
    assertThat(flinkOperator.cluster().getJobStatus(before).get()).as("the job before the upgrade").isEqualTo(JobStatus.FINISHED);
    String savepoint = pipeline().getStatus().getJob().getLastSavepoint();
    assertThat(savepoint).as("the upgrade savepoint reported on the pipeline").isNotBlank();
    assertThat(deployment().getStatus().getJobStatus().getSavepointInfo().getLastSavepoint().getLocation())
        .isEqualTo(savepoint);
    assertThat(deployment().getStatus().getJobStatus().getUpgradeSavepointPath()).isEqualTo(savepoint);
    assertThat(Path.of(URI.create(savepoint))).as("savepoint on disk").isDirectory();

    feed(batch(200, 300), EVERY_WORD);
    assertSinkHoldsExpectedCounts();
  }

  /**
   * With {@code allowStateLoss: true} the long-words change goes through without state: the old job is cancelled
   * (no savepoint), the new one starts with empty counts and, as the same change sets the source's
   * {@code startingOffsets: earliest}, reads the topic again from its start, so each long word counts again from 1
   * over every line, and a short word's last count stays in the sink. The spec's upgrade mode comes back with the next change (the suspend below, with a savepoint).
   */
  @Test
  @Order(4)
  void withAllowStateLossTheBlockedChangeStartsWithoutStateAndRecountsFromTheEarliestOffsets() throws Exception {
    JobID before = runningJob();
    kubectl.run("apply", "-n", namespace, "-f", render("wordcount-long-words.yaml").toString());
    kubectl.run("patch", "-n", namespace, "sp/" + PIPELINE, "--type", "json", "-p",
        "[{\"op\":\"add\",\"path\":\"/spec/job/allowStateLoss\",\"value\":true},"
            + "{\"op\":\"add\",\"path\":\"/spec/sources/0/startingOffsets\",\"value\":\"earliest\"}]");

    await("the job before cancelled, not stopped with a savepoint").atMost(TIMEOUT)
        .until(() -> flinkOperator.cluster().getJobStatus(before).get() == JobStatus.CANCELED);
    // Without state, from the earliest offsets: the new SQL counts every line fed so far again, from 1.
    counts.clear();
    List<String> already = List.copyOf(fed);
    fed.clear();
    count(already, LONG_WORDS);
    awaitReadyWithANewJob(before);
    kubectl.run("patch", "-n", namespace, "sp/" + PIPELINE, "--type", "merge",
        "-p", "{\"spec\":{\"job\":{\"allowStateLoss\":false}}}");
    kubectl.run("wait", "-n", namespace, "--for=condition=Ready", "sp/" + PIPELINE, "--timeout=60s");
    assertThat(deployment().getSpec().getJob().getUpgradeMode())
        .as("stateless until the next change brings the spec's mode (the Flink operator ignores the mode alone)")
        .isEqualTo(UpgradeMode.STATELESS);

    feed(batch(300, 350), LONG_WORDS);
    assertSinkHoldsExpectedCounts();
  }

  /** Lines fed while the job is suspended are counted once it resumes from its savepoint: none lost, none twice. */
  @Test
  @Order(5)
  void suspendedThenResumedItCountsWhatArrivedMeanwhile() throws Exception {
    JobID before = runningJob();
    String savepointBefore = pipeline().getStatus().getJob().getLastSavepoint();

    kubectl.run("patch", "-n", namespace, "sp/" + PIPELINE, "--type", "merge",
        "-p", "{\"spec\":{\"job\":{\"state\":\"suspended\"}}}");
    await("pipeline suspended").atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Suspended);
      assertThat(pipeline().getStatus().getJob().getLastSavepoint()).isNotEqualTo(savepointBefore);
    });
    assertThat(flinkOperator.cluster().getJobStatus(before).get()).as("the job stopped with a savepoint").isEqualTo(JobStatus.FINISHED);
    assertThat(deployment().getSpec().getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);

    feed(batch(350, 400), LONG_WORDS);

    kubectl.run("patch", "-n", namespace, "sp/" + PIPELINE, "--type", "merge",
        "-p", "{\"spec\":{\"job\":{\"state\":\"running\"}}}");
    awaitReadyWithANewJob(before);
    assertSinkHoldsExpectedCounts();
  }

  /**
   * With {@code deletionPolicy: Retain} deleting the pipeline leaves the KafkaTopics and the Kafka topics with
   * their records; the FlinkDeployment goes with its owner (the garbage collector) and its job is cancelled.
   */
  @Test
  @Order(6)
  void deletedWithRetainItKeepsTopicsAndRecordsAndCancelsTheJob() throws Exception {
    JobID job = runningJob();
    String uid = pipeline().getMetadata().getUid();

    kubectl.run("delete", "-n", namespace, "sp/" + PIPELINE, "--timeout=60s");

    if (TestCluster.garbageCollectorAvailable()) {
      await("FlinkDeployment collected").atMost(TIMEOUT).until(() -> deployment() == null);
    } else {
      // No kube-controller-manager here: check what the garbage collector acts on, and act as it would.
      assertThat(deployment().getMetadata().getOwnerReferences()).anySatisfy(o -> assertThat(o.getUid()).isEqualTo(uid));
      LOG.warn("No garbage collector: deleting the FlinkDeployment as it would");
      client.resource(deployment()).delete();
    }
    await("job cancelled").atMost(TIMEOUT).until(() -> flinkOperator.cluster().getJobStatus(job).get() == JobStatus.CANCELED);

    assertThat(client.resources(KafkaTopic.class).inNamespace(namespace).list().getItems())
        .extracting(t -> t.getMetadata().getName()).containsExactlyInAnyOrder(SOURCE, SINK, DEAD_LETTER);
    assertThat(kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS)).contains(SOURCE, SINK, DEAD_LETTER);
    List<String> sortedFed = fed.stream().sorted().toList();
    topics.read(SOURCE, records -> assertThat(records.stream().map(r -> Topics.text(r.value())).sorted().toList())
        .as("lines on %s", SOURCE).isEqualTo(sortedFed), Duration.ZERO);
    assertSinkHoldsExpectedCounts();
  }

  /** A retained KafkaTopic is still managed by Strimzi after its pipeline is gone: a partition increase reaches Kafka. */
  @Test
  @Order(7)
  void retainedTopicsStayManaged() throws Exception {
    kubectl.run("patch", "-n", namespace, "kafkatopic/" + SOURCE, "--type", "merge",
        "-p", "{\"spec\":{\"partitions\":5}}");

    await("KafkaTopic " + SOURCE + " Ready at its new generation").atMost(TIMEOUT).untilAsserted(() -> {
      KafkaTopic topic = client.resources(KafkaTopic.class).inNamespace(namespace).withName(SOURCE).get();
      assertThat(topic.getStatus().getObservedGeneration()).isEqualTo(topic.getMetadata().getGeneration());
      assertThat(topic.getStatus().getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("True");
      });
    });
    assertThat(kafka.admin().describeTopics(List.of(SOURCE)).allTopicNames().get().get(SOURCE).partitions())
        .as("partitions of %s", SOURCE).hasSize(5);
  }

  /**
   * After the pipeline, its retained topics are cleaned up by hand as the README says: a KafkaTopic annotated
   * {@code strimzi.io/managed: "false"} is deleted without its Kafka topic; a managed one takes its topic along.
   */
  @Test
  @Order(8)
  void retainedTopicsDeletedByHandGoFromKafkaOnlyWhenManaged() throws Exception {
    kubectl.run("annotate", "-n", namespace, "kafkatopic/" + SINK, "strimzi.io/managed=false");
    kubectl.run("delete", "-n", namespace, "kafkatopic/" + SINK, "kafkatopic/" + DEAD_LETTER, "--timeout=60s");

    await("Kafka topic " + DEAD_LETTER + " deleted").atMost(TIMEOUT)
        .until(() -> !kafka.admin().listTopics().names().get().contains(DEAD_LETTER));
    assertThat(kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS)).contains(SOURCE, SINK);
    assertSinkHoldsExpectedCounts();
  }

  // --- the user's input and the test's own count ---

  /**
   * Lines {@code from} (inclusive) to {@code to}: two to six lower-case words from a vocabulary of short (up to
   * three letters) and long words, separated by single spaces, so that SPLIT_WORDS' words are the
   * space-separated ones.
   */
  private static List<String> batch(int from, int to) {
    String[] vocabulary = {"a", "to", "the", "cat", "go", "on", "fish", "river", "stream", "kafka", "flink",
        "pipeline", "savepoint"};
    List<String> lines = new ArrayList<>();
    for (int i = from; i < to; i++) {
      List<String> words = new ArrayList<>();
      for (int j = 0; j < 2 + i % 5; j++) {
        words.add(vocabulary[(i * 7 + j * 3 + i / 13) % vocabulary.length]);
      }
      lines.add(String.join(" ", words));
    }
    return lines;
  }

  /** Writes the lines to the source topic and counts their words the way the SQL in effect does. */
  private static void feed(List<String> lines, Predicate<String> counted) {
    topics.send(SOURCE, lines);
    count(lines, counted);
  }

  /** Counts the words of lines read by the job the way the SQL in effect does. */
  private static void count(List<String> lines, Predicate<String> counted) {
    fed.addAll(lines);
    for (String line : lines) {
      for (String word : line.split(" ")) {
        if (counted.test(word)) {
          long count = counts.merge(word, 1L, Long::sum);
          expected.put(word, count);
          histories.computeIfAbsent(word, w -> new ArrayList<>()).add(count);
        }
      }
    }
  }

  /**
   * The sink topic, read committed, holds under each word the expected count as its latest record, and each
   * word's records are the counts 1, 2, ... up to it, in order (starting again at 1 only where the job started
   * without state): none lost, none repeated, none from a restart.
   */
  private static void assertSinkHoldsExpectedCounts() {
    List<ConsumerRecord<byte[], byte[]>> records = topics.read(SINK,
        read -> assertThat(latestCounts(read)).as("latest count per word on %s", SINK).isEqualTo(expected), SETTLE);
    Map<String, List<Long>> written = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String word = json(record.key()).get("word").asText();
      JsonNode value = json(record.value());
      assertThat(value.get("word").asText()).as("value's word under key %s", word).isEqualTo(word);
      written.computeIfAbsent(word, w -> new ArrayList<>()).add(value.get("cnt").asLong());
    }
    assertThat(written).as("counts written per word").isEqualTo(histories);
    LOG.info("{} holds {} records; latest counts {}", SINK, records.size(), expected);
  }

  private static Map<String, Long> latestCounts(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Long> latest = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String word = json(record.key()).get("word").asText();
      if (record.value() == null) {
        latest.remove(word);
      } else {
        latest.put(word, json(record.value()).get("cnt").asLong());
      }
    }
    return latest;
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- the cluster's side ---

  /** The job's metrics as Prometheus scrapes them from the reporter the FlinkDeployment configures. */
  private static PrometheusScrape scrapeJobMetrics() throws Exception {
    assertThat(deployment().getSpec().getFlinkConfiguration()).as("the FlinkDeployment's reporter")
        .containsKey("metrics.reporter." + REPORTER + ".port");
    int port = flinkOperator.metricsPort(REPORTER)
        .orElseThrow(() -> new AssertionError("the cluster runs no reporter " + REPORTER));
    return PrometheusScrape.of(URI.create("http://localhost:" + port + "/metrics"));
  }

  /**
   * How much the series {@code name} of {@code job} with {@code labels} moved from one scrape to the next
   * (summed over subtasks; a series not there yet counts as 0 before, and must be there after). Flink's reporter
   * writes label values with every character but letters, digits, {@code _} and {@code :} as {@code _}.
   */
  private static long moved(PrometheusScrape before, PrometheusScrape after, String name, JobID job,
      Map<String, String> labels) {
    Map<String, String> selector = new HashMap<>();
    labels.forEach((label, value) -> selector.put(label, value.replaceAll("[^a-zA-Z0-9_:]", "_")));
    selector.put("job_id", job.toHexString());
    Double then = before.sum(name, selector);
    Double now = after.sum(name, selector);
    assertThat(now).as("series %s%s on the reporter", name, selector).isNotNull();
    return (long) (now - (then == null ? 0 : then));
  }

  /** The pipeline's YAML from the test resources with the local broker's address, as a file for kubectl. */
  private static Path render(String resource) throws IOException {
    Path source = Path.of(System.getProperty("streampipeline.examples", "src/test/resources/local"), resource);
    Path rendered = work.resolve(resource);
    Files.writeString(rendered, Files.readString(source).replace("${BOOTSTRAP_SERVERS}", kafka.bootstrapServers()));
    return rendered;
  }

  private static String topicConfig(String topic, String key) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return kafka.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(key)
        .value();
  }

  /** Waits until the pipeline is Ready for its current generation with a job other than {@code before}. */
  private static void awaitReadyWithANewJob(JobID before) {
    await("pipeline Ready with a new job").atMost(TIMEOUT).untilAsserted(() -> {
      StreamPipeline pipeline = pipeline();
      assertThat(pipeline.getStatus().getObservedGeneration()).isEqualTo(pipeline.getMetadata().getGeneration());
      assertThat(ready(pipeline)).isEqualTo("True");
      assertThat(pipeline.getStatus().getJob().getJobId()).isNotEqualTo(before.toHexString());
    });
    kubectl.run("wait", "-n", namespace, "--for=condition=Ready", "sp/" + PIPELINE, "--timeout=60s");
  }

  /** The job the Flink stand-in runs for the pipeline, which must be running. */
  private static JobID runningJob() throws Exception {
    JobID job = flinkOperator.lastJob(PIPELINE).orElseThrow(() -> new AssertionError("no job was started"));
    assertThat(flinkOperator.cluster().getJobStatus(job).get()).as("job %s", job).isEqualTo(JobStatus.RUNNING);
    return job;
  }

  private static String ready(StreamPipeline pipeline) {
    return condition(pipeline, "Ready").getStatus();
  }

  private static Condition condition(StreamPipeline pipeline, String type) {
    return pipeline.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + pipeline.getStatus()));
  }

  private static StreamPipeline pipeline() {
    return client.resources(StreamPipeline.class).inNamespace(namespace).withName(PIPELINE).get();
  }

  private static FlinkDeployment deployment() {
    return client.resources(FlinkDeployment.class).inNamespace(namespace).withName(PIPELINE).get();
  }
}
