package io.streampipeline.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import io.streampipeline.model.JobState;
import io.streampipeline.model.NamedSinkSpec;
import io.streampipeline.model.PvcStorageSpec;
import io.streampipeline.model.S3StorageSpec;
import io.streampipeline.model.StateStorageSpec;
import io.streampipeline.model.TopicsSpec.DeletionPolicy;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.TopicStatus;
import io.streampipeline.operator.api.UpgradeCheckStatus;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.metrics.ApiRequests;
import io.streampipeline.operator.testing.ArgoCdHealth;
import io.streampipeline.operator.testing.PlayedJobs;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.TestCluster;
import io.streampipeline.plan.JobArtifact;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.UpgradeCheckProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator in-process against a real kube-apiserver, with the tests playing Strimzi and Flink. */
class StreamPipelineOperatorTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> WORDCOUNT_TOPICS = List.of("lines", "word-counts", "lines-dlq");

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static PlayedOperators played;
  private static KubernetesClient operatorClient;
  private static ApiRequests requests;
  private static PlayedJobs jobs;
  private static StreamPipelineOperator operator;
  private static EndpointServer metricsEndpoint;

  private String namespace;

  @BeforeAll
  static void startCluster() throws java.io.IOException {
    cluster = TestCluster.start().withAllCrds();
    if (TestCluster.garbageCollectorAvailable()) {
      cluster.withGarbageCollector();
    }
    client = cluster.client();
    played = new PlayedOperators(client);
    jobs = new PlayedJobs(client);
    // The operator's own client, counting its requests as OperatorMain's does.
    requests = new ApiRequests();
    operatorClient = requests.instrument(new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(cluster.kubeconfigYaml()))).build();
    startOperator();
    metricsEndpoint = EndpointServer.metrics(0, () -> operator.metrics().scrape());
  }

  /**
   * Starts the operator on its own instrumented client, as OperatorMain does; a restart in a test must do the same, or
   * the metrics of the tests that follow would count nothing.
   */
  private static void startOperator() {
    operator = StreamPipelineOperator.start(operatorClient, OperatorConfig.defaults(), Optional.empty());
    operator.metrics().countRequests(requests);
  }

  @AfterAll
  static void stopCluster() {
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void namespaceWithKafkaCluster() {
    namespace = cluster.newNamespace("sp");
    played.createKafkaCluster(namespace, "events");
  }

  @Test
  void createsTopicsThenGatesTheFlinkDeploymentUntilTopicsAreReadyThenReportsReady() {
    client.resource(Pipelines.wordCount(client, namespace)).create();

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames()).containsExactlyInAnyOrderElementsOf(WORDCOUNT_TOPICS));
    KafkaTopic lines = topic("lines");
    assertThat(lines.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "events");
    assertThat(lines.getSpec().getPartitions()).isEqualTo(3);
    assertThat(lines.getSpec().getTopicName()).isEqualTo("lines");
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.CreatingTopics);
      assertThat(condition("TopicsReady").getStatus()).isEqualTo("False");
      assertKstatus("True", "False");
    });
    assertThat(ArgoCdHealth.of(pipeline()).status()).isEqualTo("Progressing");

    played.topicReady(namespace, "lines");
    played.topicReady(namespace, "word-counts");
    await().pollDelay(Duration.ofSeconds(2)).atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(pipeline().getStatus().getTopicsReady()).isEqualTo("2/3"));
    assertThat(deployment()).as("FlinkDeployment must wait for every topic").isNull();

    played.topicReady(namespace, "lines-dlq");
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment()).isNotNull());
    FlinkDeployment deployment = deployment();
    assertThat(deployment.getSpec().getJob().getJarURI()).isEqualTo("local:///opt/flink/usrlib/streampipeline-job.jar");
    assertThat(deployment.getSpec().getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
    assertThat(deployment.getSpec().getFlinkConfiguration())
        .containsEntry("execution.checkpointing.interval", "5000 ms")
        .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE");
    PipelinePlan plan = planOf(deployment);
    assertThat(plan.sql()).contains("SPLIT_WORDS");
    assertThat(plan.bootstrapServers()).isEqualTo("events-kafka-bootstrap." + namespace + ".svc:9092");
    assertThat(plan.deadLetterTopic()).isEqualTo("lines-dlq");
    assertThat(deployment.getSpec().getFlinkConfiguration())
        .containsEntry("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
        .containsEntry("metrics.reporter.prom.port", "9249");
    assertThat(deployment.getSpec().getPodTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "9249");
    assertThat(deployment.getSpec().getPodTemplate().getMetadata().getLabels())
        .containsEntry("streampipeline.io/pipeline", "wordcount")
        .containsEntry("app.kubernetes.io/managed-by", "streampipeline-operator");
    var pod = deployment.getSpec().getPodTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(9249));
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Deploying));

    played.flinkRunning(namespace, "wordcount", "job-1");
    awaitReady();
    StreamPipeline ready = pipeline();
    assertThat(ready.getStatus().getJob().getState()).isEqualTo("RUNNING");
    assertThat(ready.getStatus().getJob().getJobId()).isEqualTo("job-1");
    assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
    assertThat(ready.getStatus().getConditions()).allSatisfy(c -> {
      assertThat(c.getObservedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
      assertThat(c.getLastTransitionTime()).isNotBlank();
    });
    assertThat(ready.getStatus().getConditions()).extracting(Condition::getType, Condition::getStatus).containsExactly(
        tuple("TopicsReady", "True"), tuple("JobReady", "True"), tuple("Ready", "True"),
        tuple("Reconciling", "False"), tuple("Stalled", "False"), tuple("CaughtUp", "False"));
    assertThat(ArgoCdHealth.of(ready))
        .isEqualTo(new ArgoCdHealth.Verdict("Healthy", "JobRunning: topics ready and the job runs the current spec"));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events()).extracting(Event::getReason).contains("JobRunning"));
  }

  /** What {@code kubectl get sp} and {@code -o wide} print: the API server's Table for our printer columns. */
  @Test
  void kubectlGetShowsPhaseReadyTopicsJobBacklogAgeAndTheMessageWhenWide() throws Exception {
    runningWordCount();
    var http = client.getHttpClient();
    var request = http.newHttpRequestBuilder()
        .uri(client.getMasterUrl() + "apis/streampipeline.io/v1alpha1/namespaces/" + namespace + "/streampipelines")
        .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
        .build();
    JsonNode table = new ObjectMapper().readTree(http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS).body());
    List<String> columns = new ArrayList<>();
    List<Integer> priorities = new ArrayList<>();
    table.get("columnDefinitions").forEach(c -> {
      columns.add(c.get("name").asText());
      priorities.add(c.get("priority").asInt());
      assertThat(c.get("description").asText()).as("description of column %s", c.get("name")).isNotBlank();
    });
    assertThat(columns).containsExactly("Name", "Phase", "Ready", "Topics", "Job", "Backlog", "Age", "Message");
    assertThat(priorities).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
    List<String> cells = new ArrayList<>();
    table.get("rows").get(0).get("cells").forEach(c -> cells.add(c.asText()));
    assertThat(cells.subList(0, 5)).containsExactly("wordcount", "Running", "True", "3/3", "RUNNING");
    assertThat(cells.get(7)).isEqualTo("topics ready and the job runs the current spec");
  }

  /** /metrics of the running operator, scraped over HTTP: JOSDK's reconcile counters and ours move. */
  @Test
  void metricsCountReconciliationsPhasesAndGateWaits() throws Exception {
    PrometheusText before = scrape();
    client.resource(Pipelines.wordCount(client, namespace)).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames()).hasSize(3));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(scrape().value("streampipeline_pipelines", "phase", "CreatingTopics"))
        .isGreaterThan(before.value("streampipeline_pipelines", "phase", "CreatingTopics")));
    readyWordCount();

    await().atMost(TIMEOUT).untilAsserted(() -> {
      PrometheusText after = scrape();
      assertThat(after.value("streampipeline_pipelines", "phase", "Running"))
          .isEqualTo(before.value("streampipeline_pipelines", "phase", "Running") + 1);
      assertThat(after.value("streampipeline_gate_wait_seconds_count", "gate", "topics"))
          .isGreaterThan(before.value("streampipeline_gate_wait_seconds_count", "gate", "topics"));
      assertThat(after.value("streampipeline_gate_wait_seconds_count", "gate", "job"))
          .isGreaterThan(before.value("streampipeline_gate_wait_seconds_count", "gate", "job"));
      // JOSDK's counters, of our only controller.
      assertThat(after.value("operator_sdk_reconciliations_started_total", "", ""))
          .as("%s", after.series("operator_sdk_reconciliations_started_total"))
          .isGreaterThan(before.value("operator_sdk_reconciliations_started_total", "", ""));
      assertThat(after.value("operator_sdk_reconciliations_success_total", "", ""))
          .as("%s", after.series("operator_sdk_reconciliations_success_total"))
          .isGreaterThan(before.value("operator_sdk_reconciliations_success_total", "", ""));
      // Its requests to the API server: the three topics created, the status written.
      assertThat(after.value("streampipeline_kubernetes_requests_total", "resource", "kafkatopics")
          - before.value("streampipeline_kubernetes_requests_total", "resource", "kafkatopics"))
          .as("%s", after.series("streampipeline_kubernetes_requests_total")).isGreaterThanOrEqualTo(3);
      assertThat(after.value("streampipeline_kubernetes_requests_total", "resource", "streampipelines/status"))
          .isGreaterThan(before.value("streampipeline_kubernetes_requests_total", "resource", "streampipelines/status"));
      // Reconcile durations have buckets, so a p99 can be computed.
      assertThat(after.series("operator_sdk_controllers_execution_reconcile_seconds_bucket")).isNotEmpty();
    });
    PrometheusText text = scrape();
    assertThat(text.series("streampipeline_pipelines")).as("one series per phase").hasSize(Phase.values().length);
    assertThat(text.body()).as("no series names a pipeline").doesNotContain("wordcount").doesNotContain(namespace);
    assertThat(operatorSeriesOfTheDashboard()).isNotEmpty().allSatisfy(name ->
        assertThat(text.series(name)).as("series %s that deploy/grafana's dashboard queries", name).isNotEmpty());
  }

  /** The operator's metric names in the Grafana dashboard's queries (the Flink ones come from the job's pods). */
  private static java.util.Set<String> operatorSeriesOfTheDashboard() throws java.io.IOException {
    JsonNode dashboard = new ObjectMapper().readTree(java.nio.file.Path.of("../deploy/grafana/streampipeline-dashboard.json").toFile());
    java.util.Set<String> names = new java.util.TreeSet<>();
    var pattern = java.util.regex.Pattern.compile("\\b(?:streampipeline|operator_sdk|jvm)_[a-z_]+");
    dashboard.findValues("expr").forEach(expr -> pattern.matcher(expr.asText()).results().forEach(m -> names.add(m.group())));
    return names;
  }

  private static PrometheusText scrape() throws Exception {
    var http = client.getHttpClient();
    var request = http.newHttpRequestBuilder().uri("http://localhost:" + metricsEndpoint.port() + "/metrics").build();
    var response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    assertThat(response.code()).isEqualTo(200);
    assertThat(response.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    return new PrometheusText(response.body());
  }

  /** Prometheus' text exposition: sample lines {@code name{label="value",...} number}. */
  private record PrometheusText(String body) {
    List<String> series(String name) {
      return body.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
    }

    /** The sum of the samples of {@code name} with the label {@code label="value"} (any, for ""); 0 when none. */
    double value(String name, String label, String value) {
      return series(name).stream().filter(l -> label.isEmpty() || l.contains(label + "=\"" + value + "\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
  }

  @Test
  void partitionIncreaseReachesTheKafkaTopic() {
    runningWordCount();
    edit(p -> p.getSpec().getSources().get(0).setPartitions(6));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topic("lines").getSpec().getPartitions()).isEqualTo(6));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.CreatingTopics));
    played.topicReady(namespace, "lines");
    awaitReady();
  }

  /**
   * A SQL change of a job that has run is checked first: the FlinkDeployment waits until the check (a Job of the
   * job image, played here) says the change keeps state, then gets the new plan and the Flink operator upgrades.
   */
  @Test
  void aSqlChangeIsCheckedThenReachesTheFlinkDeploymentAndIsReportedAsAnUpgrade() {
    runningWordCount();
    FlinkDeployment before = deployment();
    String newSql = "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word)"
        + " WHERE CHAR_LENGTH(word) > 3 GROUP BY word";
    edit(p -> p.getSpec().getTransform().setSql(newSql));

    Job check = awaitUpgradeCheck();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Upgrading);
      assertThat(condition("Ready").getReason()).isEqualTo("CheckingUpgrade");
      assertKstatus("True", "False");
    });
    assertThat(deployment().getMetadata().getGeneration()).as("FlinkDeployment untouched while checking")
        .isEqualTo(before.getMetadata().getGeneration());
    assertCheckCompares(check, planOf(before).sql(), newSql);

    jobs.ended(check, 0, COMPATIBLE);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(planOf(deployment()).sql()).isEqualTo(newSql));
    assertThat(deployment().getSpec().getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Upgrading);
      assertThat(condition("Ready").getReason()).isEqualTo("UpgradeInProgress");
      assertThat(pipeline().getStatus().getUpgradeCheck()).extracting(UpgradeCheckStatus::getVerdict).isEqualTo("COMPATIBLE");
      assertKstatus("True", "False");
    });
    await("the check Job deleted once its verdict is on the status").atMost(TIMEOUT).untilAsserted(() ->
        assertThat(client.batch().v1().jobs().inNamespace(namespace).withName(check.getMetadata().getName()).get())
            .isNull());
    played.flinkUpgrading(namespace, "wordcount", "job-1");
    played.flinkRunning(namespace, "wordcount", "job-2");
    awaitReady();
    assertThat(pipeline().getStatus().getJob().getJobId()).isEqualTo("job-2");
  }

  /**
   * A change the check says would corrupt state never reaches the FlinkDeployment: Stalled with reason
   * UpgradeBlocked and the affected operator, a Warning event, the job running on; reverting the spec clears it, and
   * the same change again is refused from the verdict on the status, without a second check; with allowStateLoss it
   * goes through as a stateless upgrade, and the spec's upgrade mode comes back with the next change.
   */
  @Test
  void aChangeThatWouldCorruptStateIsBlockedUntilRevertedOrStateLossIsAllowed() {
    runningWordCount();
    FlinkDeployment before = deployment();
    String oldSql = pipeline().getSpec().getTransform().getSql();
    String newSql = oldSql.replace("GROUP BY word", "GROUP BY UPPER(word)").replace("SELECT word", "SELECT UPPER(word) AS word");
    edit(p -> p.getSpec().getTransform().setSql(newSql));
    jobs.ended(awaitUpgradeCheck(), 0, INCOMPATIBLE);

    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Failed);
      Condition ready = condition("Ready");
      assertThat(ready.getReason()).isEqualTo("UpgradeBlocked");
      assertThat(ready.getMessage()).contains("incompatible in meaning", "GroupAggregate(groupBy=[word]",
          "spec.job.allowStateLoss");
      assertKstatus("False", "True");
    });
    assertThat(ArgoCdHealth.of(pipeline()).status()).isEqualTo("Degraded");
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events()).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("UpgradeBlocked");
      assertThat(e.getMessage()).contains("GroupAggregate(groupBy=[word]");
    }));
    assertThat(deployment().getSpec()).as("FlinkDeployment untouched").isEqualTo(before.getSpec());
    assertThat(pipeline().getStatus().getJob().getJobId()).isEqualTo("job-1");

    edit(p -> p.getSpec().getTransform().setSql(oldSql));
    awaitReady();
    assertThat(deployment().getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());

    edit(p -> p.getSpec().getTransform().setSql(newSql));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition("Ready").getReason()).isEqualTo("UpgradeBlocked"));
    assertThat(jobs.runningUpgradeChecks(namespace, "wordcount")).as("the verdict already known is reused").isEmpty();

    edit(p -> p.getSpec().getJob().setAllowStateLoss(true));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(planOf(deployment()).sql()).isEqualTo(newSql));
    assertThat(deployment().getSpec().getJob().getUpgradeMode()).as("applied without state")
        .isEqualTo(UpgradeMode.STATELESS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition("Ready").getReason()).isEqualTo("UpgradeInProgress"));
    assertThat(deployment().getSpec().getJob().getUpgradeMode()).as("kept until the Flink operator has acted")
        .isEqualTo(UpgradeMode.STATELESS);
    played.flinkRunning(namespace, "wordcount", "job-2");
    awaitReady();
    long generation = deployment().getMetadata().getGeneration();
    assertThat(deployment().getSpec().getJob().getUpgradeMode())
        .as("the Flink operator ignores a change of the mode alone: not written back on its own")
        .isEqualTo(UpgradeMode.STATELESS);

    edit(p -> p.getSpec().getJob().setState(JobState.SUSPENDED));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment().getSpec().getJob().getState())
        .isEqualTo(org.apache.flink.kubernetes.operator.api.spec.JobState.SUSPENDED));
    assertThat(deployment().getSpec().getJob().getUpgradeMode()).as("the next change brings the spec's mode back")
        .isEqualTo(UpgradeMode.SAVEPOINT);
    assertThat(deployment().getMetadata().getGeneration()).isEqualTo(generation + 1);
  }

  /** A check that cannot run (here: the image lacks the class) holds the change back and says why. */
  @Test
  void anUpgradeCheckThatFailsHoldsTheChangeBackAndSaysWhy() {
    runningWordCount();
    FlinkDeployment before = deployment();
    edit(p -> p.getSpec().getJob().setParallelism(2));
    Job check = awaitUpgradeCheck();
    jobs.ended(check, 1, "Error: Could not find or load main class io.streampipeline.job.upgrade.UpgradeCheckMain");

    await().atMost(TIMEOUT).untilAsserted(() -> {
      Condition ready = condition("Ready");
      assertThat(ready.getReason()).isEqualTo("UpgradeCheckFailed");
      assertThat(ready.getMessage()).contains(check.getMetadata().getName(), "exit code 1",
          "Could not find or load main class");
      assertKstatus("False", "True");
    });
    assertThat(deployment().getSpec()).as("FlinkDeployment untouched").isEqualTo(before.getSpec());
    assertThat(client.batch().v1().jobs().inNamespace(namespace).withName(check.getMetadata().getName()).get())
        .as("a failed check stays until its TTL, which then runs it again").isNotNull();
  }

  /** A job that never ran has no state to lose: its change goes straight to the FlinkDeployment. */
  @Test
  void aChangeBeforeTheJobFirstRanIsNotChecked() {
    client.resource(Pipelines.wordCount(client, namespace)).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames()).hasSize(3));
    WORDCOUNT_TOPICS.forEach(t -> played.topicReady(namespace, t));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment()).isNotNull());
    edit(p -> p.getSpec().getJob().setParallelism(2));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment().getSpec().getJob().getParallelism()).isEqualTo(2));
    assertThat(jobs.runningUpgradeChecks(namespace, "wordcount")).isEmpty();
  }

  @Test
  void suspendAndResume() {
    runningWordCount();
    edit(p -> p.getSpec().getJob().setState(JobState.SUSPENDED));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment().getSpec().getJob().getState())
        .isEqualTo(org.apache.flink.kubernetes.operator.api.spec.JobState.SUSPENDED));
    played.flinkSuspended(namespace, "wordcount", "job-1");
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).as("%s / %s", pipeline().getStatus().getConditions(),
          deployment()).isEqualTo(Phase.Suspended);
      assertThat(condition("Ready").getReason()).isEqualTo("Suspended");
      assertThat(condition("Ready").getStatus()).as("suspended as the spec asks is done, for GitOps").isEqualTo("True");
      assertKstatus("False", "False");
    });
    assertThat(ArgoCdHealth.of(pipeline()).status()).isEqualTo("Suspended");

    edit(p -> p.getSpec().getJob().setState(JobState.RUNNING));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment().getSpec().getJob().getState())
        .isEqualTo(org.apache.flink.kubernetes.operator.api.spec.JobState.RUNNING));
    played.flinkRunning(namespace, "wordcount", "job-3");
    awaitReady();
  }

  @Test
  void deletingWithRetainKeepsTopics() {
    runningWordCount();
    assertThat(topic("lines").getMetadata().getOwnerReferences()).isEmpty();
    assertThat(deployment().getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("wordcount"));

    client.resource(pipeline()).delete();
    await().atMost(TIMEOUT).until(() -> pipeline() == null);
    if (TestCluster.garbageCollectorAvailable()) {
      await().atMost(TIMEOUT).until(() -> deployment() == null);
    }
    await().pollDelay(Duration.ofSeconds(3)).atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(topicNames()).containsExactlyInAnyOrderElementsOf(WORDCOUNT_TOPICS));
  }

  @Test
  void deletingWithDeleteRemovesTheTopicsItCreated() {
    client.resource(Pipelines.wordCount(client, namespace)).create();
    edit(p -> p.getSpec().getTopics().setDeletionPolicy(DeletionPolicy.Delete));
    readyWordCount();
    assertThat(topic("lines").getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(pipeline().getMetadata().getUid()));

    client.resource(pipeline()).delete();
    if (TestCluster.garbageCollectorAvailable()) {
      await().atMost(TIMEOUT).untilAsserted(() -> {
        assertThat(topicNames()).isEmpty();
        assertThat(deployment()).isNull();
      });
    }
  }

  @Test
  void aPreExistingTopicIsUsedAsItIsAndNeverChangedOrDeleted() {
    KafkaTopic existing = new KafkaTopicBuilder()
        .withNewMetadata().withName("lines").withNamespace(namespace)
          .withLabels(Map.of("strimzi.io/cluster", "events", "team", "ingest")).endMetadata()
        .withNewSpec().withPartitions(12).withReplicas(3).withConfig(Map.of("retention.ms", "86400000")).endSpec()
        .build();
    client.resource(existing).create();
    played.topicReady(namespace, "lines");
    String versionBefore = topic("lines").getMetadata().getResourceVersion();

    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    pipeline.getSpec().getTopics().setDeletionPolicy(DeletionPolicy.Delete);
    client.resource(pipeline).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames()).hasSize(3));
    played.topicReady(namespace, "word-counts");
    played.topicReady(namespace, "lines-dlq");
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment()).isNotNull());
    played.flinkRunning(namespace, "wordcount", "job-1");
    awaitReady();

    assertThat(pipeline().getStatus().getTopics()).filteredOn(t -> t.getTopic().equals("lines"))
        .singleElement().satisfies(t -> assertThat(t.isManaged()).isFalse());
    KafkaTopic after = topic("lines");
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(versionBefore);
    assertThat(after.getSpec().getPartitions()).isEqualTo(12);

    client.resource(pipeline()).delete();
    if (TestCluster.garbageCollectorAvailable()) {
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames()).containsExactly("lines"));
    }
    assertThat(topic("lines").getMetadata().getResourceVersion()).isEqualTo(versionBefore);
  }

  @Test
  void aMissingKafkaClusterIsReportedAndNothingIsCreated() {
    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    pipeline.getSpec().getKafka().setCluster("nope");
    client.resource(pipeline).create();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      Condition ready = condition("Ready");
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("KafkaClusterNotFound");
      assertThat(ready.getMessage()).contains("'nope'");
      assertKstatus("True", "False");
    });
    assertThat(topicNames()).isEmpty();
    assertThat(deployment()).isNull();
  }

  @Test
  void sqlReadingATableThatIsNoSourceIsReportedAndNothingIsCreated() {
    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    pipeline.getSpec().getTransform().setSql("SELECT line FROM sentences");
    client.resource(pipeline).create();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Failed);
      Condition ready = condition("Ready");
      assertThat(ready.getReason()).isEqualTo("InvalidSpec");
      assertThat(ready.getMessage()).isEqualTo(
          "invalid spec: spec.transform.sql: reads table 'sentences', which is not a source (sources: lines)");
      assertKstatus("False", "True");
      assertThat(condition("Stalled").getReason()).isEqualTo("InvalidSpec");
    });
    assertThat(ArgoCdHealth.of(pipeline()).status()).isEqualTo("Degraded");
    assertThat(topicNames()).isEmpty();
    assertThat(deployment()).isNull();
  }

  @Test
  void eachSinkGetsItsOwnKafkaTopicAndTheJobPlansEverySink() {
    client.resource(fanOut("""
        INSERT INTO counts
        SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word;
        INSERT INTO long_lines SELECT line FROM lines WHERE CHAR_LENGTH(line) > 80;""")).create();
    List<String> topics = List.of("lines", "word-counts", "long-lines", "lines-dlq");

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames()).containsExactlyInAnyOrderElementsOf(topics));
    assertThat(topic("long-lines").getSpec().getPartitions()).isEqualTo(2);
    assertThat(topic("long-lines").getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "events");
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pipeline().getStatus().getTopicsReady()).isEqualTo("0/4"));
    topics.forEach(t -> played.topicReady(namespace, t));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment()).isNotNull());
    PipelinePlan plan = planOf(deployment());
    assertThat(plan.sink()).isNull();
    assertThat(plan.sinks()).extracting(SinkPlan::name, SinkPlan::topic, SinkPlan::key).containsExactly(
        tuple("counts", "word-counts", List.of("word")), tuple("long_lines", "long-lines", List.of()));
    played.flinkRunning(namespace, "wordcount", "job-1");
    awaitReady();
    assertThat(pipeline().getStatus().getTopicsReady()).isEqualTo("4/4");
  }

  @Test
  void aSinkNoStatementWritesIsReportedAndNothingIsCreated() {
    client.resource(fanOut("INSERT INTO counts SELECT line AS word, 1 AS cnt FROM lines")).create();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      Condition ready = condition("Ready");
      assertThat(ready.getReason()).isEqualTo("InvalidSpec");
      assertThat(ready.getMessage()).isEqualTo("invalid spec: spec.sinks[1]: no statement of spec.transform.sql"
          + " writes sink 'long_lines'; add INSERT INTO long_lines SELECT ... or remove the sink");
    });
    assertThat(topicNames()).isEmpty();
    assertThat(deployment()).isNull();
  }

  /**
   * The operator's default storage (the chart's): a claim mounted at the state path in the JobManager and
   * TaskManager pod template, writable through fsGroup, with the directories, retention and upgrade safety
   * settings in the configuration; the real API server accepts it under the Flink operator's CRD.
   */
  @Test
  void defaultStateStorageIsAClaimMountedWhereTheFlinkConfigurationPutsState() {
    runningWordCount();
    FlinkDeployment deployment = deployment();
    String dir = "file:///flink-data/" + namespace + "/wordcount";
    assertThat(deployment.getSpec().getFlinkConfiguration())
        .containsEntry("state.checkpoints.dir", dir + "/checkpoints")
        .containsEntry("state.savepoints.dir", dir + "/savepoints")
        .containsEntry("high-availability.storageDir", dir + "/ha")
        .containsEntry("pipeline.max-parallelism", "128")
        .containsEntry("kubernetes.operator.job.upgrade.last-state-fallback.enabled", "false")
        .containsEntry("kubernetes.operator.savepoint.history.max.count", "5")
        .containsEntry("kubernetes.operator.deployment.rollback.enabled", "true");
    var pod = deployment.getSpec().getPodTemplate().getSpec();
    assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo("flink-state");
      assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("flink-state");
    });
    assertThat(pod.getContainers().get(0).getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getName()).isEqualTo("flink-state");
      assertThat(m.getMountPath()).isEqualTo("/flink-data");
    });
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(9999L);
    assertThat(pod.getContainers().get(0).getEnv()).as("no S3 plugin or credentials for a claim").isEmpty();
  }

  /**
   * S3 storage set on the pipeline: the S3 plugin enabled through the official image's ENABLE_BUILT_IN_PLUGINS,
   * the endpoint in the configuration, and the credentials only as references to the Secret: their values appear
   * nowhere in the FlinkDeployment or the pipeline's status.
   */
  @Test
  void s3StateStorageGivesTheFlinkPodsTheSecretsCredentialsAsReferencesOnly() {
    client.secrets().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("flink-s3").endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", "access-key-7f3a").addToStringData("AWS_SECRET_ACCESS_KEY", "secret-9c2e")
        .build()).create();
    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    pipeline.getSpec().getJob().setStateStorage(new StateStorageSpec("s3://state/pipelines",
        new S3StorageSpec("http://s3.storage:9000", true, "flink-s3"), null));
    client.resource(pipeline).create();
    readyWordCount();

    FlinkDeployment deployment = deployment();
    assertThat(deployment.getSpec().getFlinkConfiguration())
        .containsEntry("state.savepoints.dir", "s3://state/pipelines/" + namespace + "/wordcount/savepoints")
        .containsEntry("high-availability.storageDir", "s3://state/pipelines/" + namespace + "/wordcount/ha")
        .containsEntry("s3.endpoint", "http://s3.storage:9000")
        .containsEntry("s3.path.style.access", "true");
    var pod = deployment.getSpec().getPodTemplate().getSpec();
    assertThat(pod.getVolumes()).isEmpty();
    var env = pod.getContainers().get(0).getEnv();
    assertThat(env).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("ENABLE_BUILT_IN_PLUGINS");
      assertThat(e.getValue()).isEqualTo("flink-s3-fs-hadoop-1.20.3.jar");
    });
    for (String key : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
      assertThat(env).as("env %s", key).anySatisfy(e -> {
        assertThat(e.getName()).isEqualTo(key);
        assertThat(e.getValue()).isNull();
        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("flink-s3");
        assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(key);
      });
    }
    String written = Serialization.asJson(deployment) + Serialization.asJson(pipeline()) + events();
    assertThat(written).doesNotContain("access-key-7f3a").doesNotContain("secret-9c2e");
  }

  /** State on the pods' own disk cannot work: refused with a reason, and nothing is created. */
  @Test
  void fileStateStorageWithoutAClaimIsRefusedAndNothingIsCreated() {
    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    pipeline.getSpec().getJob().setStateStorage(new StateStorageSpec("file:///flink-data", null, null));
    client.resource(pipeline).create();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Failed);
      Condition ready = condition("Ready");
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("StateStorageUnusable");
      assertThat(ready.getMessage()).startsWith("state storage cannot work: spec.job.stateStorage.uri:"
          + " 'file:///flink-data' is on the pods' own disk").contains("spec.job.stateStorage.pvc.claimName");
    });
    await().pollDelay(Duration.ofSeconds(2)).atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(topicNames()).isEmpty();
      assertThat(deployment()).isNull();
    });

    edit(p -> p.getSpec().getJob().getStateStorage().setPvc(new PvcStorageSpec("state")));
    readyWordCount();
  }

  @Test
  void aFlinkOperatorErrorReachesTheStatusAndEvents() {
    runningWordCount();
    played.flinkFailed(namespace, "wordcount", "job-1",
        "{\"type\":\"org.apache.flink.kubernetes.operator.exception.ReconciliationException\","
            + "\"message\":\"Job failed: java.lang.OutOfMemoryError: Java heap space\"}");
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline().getStatus().getPhase()).isEqualTo(Phase.Failed);
      Condition ready = condition("Ready");
      assertThat(ready.getReason()).isEqualTo("FlinkDeploymentError");
      assertThat(ready.getMessage()).isEqualTo("Flink operator: Job failed: java.lang.OutOfMemoryError: Java heap space");
      assertThat(pipeline().getStatus().getError()).contains("OutOfMemoryError");
      assertKstatus("False", "True");
    });
    assertThat(ArgoCdHealth.of(pipeline())).isEqualTo(new ArgoCdHealth.Verdict("Degraded",
        "FlinkDeploymentError: Flink operator: Job failed: java.lang.OutOfMemoryError: Java heap space"));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events())
        .anySatisfy(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).contains("OutOfMemoryError");
        }));
  }

  @Test
  void aSettledPipelineIsNotWrittenAgainWhenTheOperatorRestarts() {
    runningWordCount();
    Map<String, String> versions = resourceVersions();
    operator.close();
    startOperator();
    await().pollDelay(Duration.ofSeconds(5)).atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(resourceVersions()).isEqualTo(versions));
  }

  @Test
  void anOperatorRestartedMidReconcileConvergesWithoutDuplicates() {
    client.resource(Pipelines.wordCount(client, namespace)).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames()).hasSize(3));
    operator.close();
    played.topicReady(namespace, "lines");
    played.topicReady(namespace, "word-counts");
    played.topicReady(namespace, "lines-dlq");
    startOperator();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment()).isNotNull());
    played.flinkRunning(namespace, "wordcount", "job-1");
    awaitReady();
    assertThat(topicNames()).containsExactlyInAnyOrderElementsOf(WORDCOUNT_TOPICS);
    assertThat(client.resources(FlinkDeployment.class).inNamespace(namespace).list().getItems()).hasSize(1);
  }

  // --- helpers -------------------------------------------------------------------------------

  /** The word-count pipeline with two sinks written by {@code sql}: counts (keyed by word) and long_lines. */
  private StreamPipeline fanOut(String sql) {
    StreamPipeline pipeline = Pipelines.wordCount(client, namespace);
    NamedSinkSpec counts = new NamedSinkSpec();
    counts.setName("counts");
    counts.setTopic(pipeline.getSpec().getSink().getTopic());
    counts.setKey(List.of("word"));
    NamedSinkSpec longLines = new NamedSinkSpec();
    longLines.setName("long_lines");
    longLines.setTopic("long-lines");
    longLines.setPartitions(2);
    pipeline.getSpec().setSink(null);
    pipeline.getSpec().setSinks(List.of(counts, longLines));
    pipeline.getSpec().getTransform().setSql(sql);
    return pipeline;
  }

  private static final String COMPATIBLE = new UpgradeCheckProtocol.Result("COMPATIBLE",
      "compatible: the new version restores all of the running version's state", List.of(), 0).encode();
  private static final String INCOMPATIBLE = new UpgradeCheckProtocol.Result("INCOMPATIBLE",
      "incompatible in meaning: Flink would restore state into operators that now compute something else",
      List.of("GroupAggregate(groupBy=[word], select=[word, COUNT(*) AS cnt]): Flink would restore its state without"
          + " complaint, but what it was computed from changed"), 0).encode();

  private Job awaitUpgradeCheck() {
    return await().atMost(TIMEOUT).until(() -> jobs.runningUpgradeCheck(namespace, "wordcount"), Optional::isPresent)
        .orElseThrow();
  }

  /** The check runs the job image's check on the running and the new plan, as a restricted pod owned by the pipeline. */
  private void assertCheckCompares(Job check, String fromSql, String toSql) {
    assertThat(check.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(pipeline().getMetadata().getUid()));
    var pod = check.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(deployment().getSpec().getImage());
    assertThat(container.getCommand()).contains(JobArtifact.UPGRADE_CHECK_CLASS);
    List<String> args = container.getArgs();
    assertThat(PlanCodec.decode(args.get(args.indexOf(UpgradeCheckProtocol.FROM) + 1)).sql()).isEqualTo(fromSql);
    assertThat(PlanCodec.decode(args.get(args.indexOf(UpgradeCheckProtocol.TO) + 1)).sql()).isEqualTo(toSql);
    assertThat(container.getTerminationMessagePath()).isEqualTo(UpgradeCheckProtocol.TERMINATION_MESSAGE_PATH);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
  }

  private void runningWordCount() {
    client.resource(Pipelines.wordCount(client, namespace)).create();
    readyWordCount();
  }

  private void readyWordCount() {
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames()).hasSize(3));
    WORDCOUNT_TOPICS.forEach(t -> played.topicReady(namespace, t));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment()).isNotNull());
    played.flinkRunning(namespace, "wordcount", "job-1");
    awaitReady();
  }

  private void awaitReady() {
    await().atMost(TIMEOUT).untilAsserted(() -> {
      StreamPipeline p = pipeline();
      assertThat(p.getStatus().getPhase()).as("phase; status error: %s", p.getStatus().getError())
          .isEqualTo(Phase.Running);
      assertThat(condition("Ready").getStatus()).isEqualTo("True");
      assertThat(p.getStatus().getTopics()).allMatch(TopicStatus::isReady);
    });
  }

  /** A user's edit: read, change, write; retried when the operator wrote the status in between. */
  private void edit(java.util.function.Consumer<StreamPipeline> change) {
    await().atMost(TIMEOUT).ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class).until(() -> {
      StreamPipeline current = pipeline();
      change.accept(current);
      client.resource(current).update();
      return true;
    });
  }

  private StreamPipeline pipeline() {
    return client.resources(StreamPipeline.class).inNamespace(namespace).withName("wordcount").get();
  }

  /** The two conditions kstatus (Flux, kubectl wait) decides on, for the pipeline's current generation. */
  private void assertKstatus(String reconciling, String stalled) {
    StreamPipeline p = pipeline();
    assertThat(condition("Reconciling").getStatus()).as("Reconciling").isEqualTo(reconciling);
    assertThat(condition("Stalled").getStatus()).as("Stalled").isEqualTo(stalled);
    assertThat(p.getStatus().getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
  }

  private Condition condition(String type) {
    return pipeline().getStatus().condition(type).orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private FlinkDeployment deployment() {
    return client.resources(FlinkDeployment.class).inNamespace(namespace).withName("wordcount").get();
  }

  private KafkaTopic topic(String name) {
    return client.resources(KafkaTopic.class).inNamespace(namespace).withName(name).get();
  }

  private List<String> topicNames() {
    return client.resources(KafkaTopic.class).inNamespace(namespace).list().getItems().stream()
        .map(t -> t.getMetadata().getName()).toList();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(namespace).list().getItems();
  }

  private Map<String, String> resourceVersions() {
    Map<String, String> versions = new java.util.TreeMap<>();
    versions.put("pipeline", pipeline().getMetadata().getResourceVersion());
    versions.put("deployment", deployment().getMetadata().getResourceVersion());
    client.resources(KafkaTopic.class).inNamespace(namespace).list().getItems()
        .forEach(t -> versions.put(t.getMetadata().getName(), t.getMetadata().getResourceVersion()));
    return versions;
  }

  private static PipelinePlan planOf(FlinkDeployment deployment) {
    String[] args = deployment.getSpec().getJob().getArgs();
    assertThat(args[0]).isEqualTo(PlanCodec.PLAN_ARGUMENT);
    return PlanCodec.decode(args[1]);
  }
}
