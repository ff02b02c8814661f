package io.streampipeline.e2e.chart;

import static io.streampipeline.e2e.chart.Chart.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.streampipeline.e2e.SharedCluster;
import io.streampipeline.model.TopicsSpec.DeletionPolicy;
import io.streampipeline.operator.StreamPipelineOperator;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedJobs;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.TestCluster;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.UpgradeCheckProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart installed on a real kube-apiserver with RBAC on: the server accepts what it renders, and the
 * operator, acting as the chart's ServiceAccount, runs a word-count pipeline with exactly those permissions.
 */
@ExtendWith(SharedCluster.class)
class ChartOnApiServerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(45);
  private static final List<String> WORDCOUNT_TOPICS = List.of("lines", "word-counts", "lines-dlq");
  private static final AtomicInteger RELEASES = new AtomicInteger();
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private TestCluster cluster;
  private KubernetesClient admin;
  private PlayedOperators played;
  private PlayedJobs jobs;

  @BeforeEach
  void installChartCrd(TestCluster cluster) throws IOException {
    this.cluster = cluster;
    this.admin = cluster.client();
    this.played = new PlayedOperators(admin);
    this.jobs = new PlayedJobs(admin);
    try (InputStream in = Files.newInputStream(Chart.CRD)) {
      CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
      admin.resource(crd).fieldManager("helm").forceConflicts().serverSideApply();
      admin.resource(crd).waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
          && c.getStatus().getConditions().stream()
              .anyMatch(s -> "Established".equals(s.getType()) && "True".equals(s.getStatus())), 30, TimeUnit.SECONDS);
    }
  }

  @Test
  void apiServerAcceptsEveryRenderingAndItsPodPassesRestrictedPodSecurity() {
    String teamA = cluster.newNamespace("team-a");
    for (Map<String, Object> values : List.<Map<String, Object>>of(
        Map.of(),
        Map.of("watchNamespaces", List.of(teamA)),
        Map.of("replicaCount", 2, "image.tag", "dev", "job.image.repository", "registry.example.com/job"),
        Map.of("fullnameOverride", "stream-ops", "extraEnv", List.of(Map.of("name", "HTTPS_PROXY", "value", "http://proxy:3128")),
            "metrics.service.port", 9100, "replicaCount", 3, "podDisruptionBudget.maxUnavailable", "50%"))) {
      Release release = install(values, List.of());
      assertThat(release.objects()).allSatisfy(o -> assertThat(admin.resource(o).get())
          .as("%s %s after server-side apply", o.getKind(), o.getMetadata().getName()).isNotNull());

      // Pod Security admission judges pods, not Deployments: ask it about the Deployment's pod, for real.
      Deployment deployment = only(release.objects(), Deployment.class);
      Pod pod = new PodBuilder().withNewMetadata().withName("restricted-check").withNamespace(release.namespace())
          .endMetadata().withSpec(deployment.getSpec().getTemplate().getSpec()).build();
      assertThat(admin.resource(pod).dryRun().create()).as("dry-run pod of %s", values).isNotNull();
    }
    // ... and the same check refuses a pod that is not restricted, or it would prove nothing.
    Release release = install(Map.of(), List.of());
    Pod privileged = new PodBuilder().withNewMetadata().withName("privileged-check").withNamespace(release.namespace())
        .endMetadata().withSpec(only(release.objects(), Deployment.class).getSpec().getTemplate().getSpec()).build();
    privileged.getSpec().getContainers().get(0).getSecurityContext().setAllowPrivilegeEscalation(true);
    assertThatThrownBy(() -> admin.resource(privileged).dryRun().create())
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("violates PodSecurity \"restricted");
  }

  /**
   * The optional ServiceMonitor, applied when the Prometheus Operator's CRDs are served (the tests' API server has
   * none installed unless a test run provides them: then this says so and checks only the rendering elsewhere).
   */
  @Test
  void serviceMonitorIsAcceptedWhereThePrometheusOperatorCrdsAreInstalled() {
    boolean served = admin.apiextensions().v1().customResourceDefinitions()
        .withName("servicemonitors.monitoring.coreos.com").get() != null;
    org.junit.jupiter.api.Assumptions.assumeTrue(served, "the monitoring.coreos.com CRDs are not installed on this"
        + " API server: the ServiceMonitor is checked as rendered (ChartRenderTest), not applied");
    Release release = install(Map.of("metrics.serviceMonitor.enabled", true), List.of());
    assertThat(release.objects()).filteredOn(o -> o.getKind().equals("ServiceMonitor")).singleElement()
        .satisfies(o -> assertThat(admin.resource(o).get()).isNotNull());
  }

  @Test
  void operatorAsTheChartsServiceAccountWithLeaderElectionRunsAWordCount() {
    Release release = install(Map.of("replicaCount", 2), List.of());
    String namespace = pipelineNamespace();

    try (KubernetesClient asOperator = release.serviceAccountClient();
        StreamPipelineOperator operator = release.startOperator(asOperator)) {
      runWordCount(namespace);
      dropDeadLetter(namespace, DeletionPolicy.Delete);
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames(namespace))
          .as("topics after dropping the dead letter under Delete").containsExactlyInAnyOrder("lines", "word-counts"));

      Lease lease = admin.leases().inNamespace(release.namespace()).withName(release.name() + "-streampipeline-operator").get();
      assertThat(lease).as("leader-election Lease in the release namespace, named after the release").isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(namespace))
          .as("events the operator recorded as the ServiceAccount").extracting(Event::getReason).contains("JobRunning"));
    }
  }

  @Test
  void operatorLimitedToANamespaceListRunsAWordCountThereWithoutClusterRoles() {
    String watched = pipelineNamespace();
    Release release = install(Map.of("watchNamespaces", List.of(watched)), List.of());
    assertThat(Chart.all(release.objects(), ClusterRole.class)).isEmpty();

    try (KubernetesClient asOperator = release.serviceAccountClient();
        StreamPipelineOperator operator = release.startOperator(asOperator)) {
      runWordCount(watched);
      dropDeadLetter(watched, DeletionPolicy.Retain);
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topic(watched, "lines-dlq").getMetadata().getLabels())
          .as("labels of the released dead-letter topic").doesNotContainKey("app.kubernetes.io/managed-by"));
    }
  }

  /**
   * Negative controls: the same install without one rule, or one verb of a rule, must not work, or the positive
   * tests prove nothing. Creating through server-side apply needs {@code create} besides {@code patch}.
   * (Dropping list/watch of a watched resource is not among them: the operator's start then waits out its
   * two-minute cache-sync timeout before reconciling.)
   */
  @ParameterizedTest(name = "without {0}")
  @ValueSource(strings = {"kafka.strimzi.io/kafkas", "kafka.strimzi.io/kafkatopics:create",
      "flink.apache.org/flinkdeployments:create"})
  void withoutOnePermissionThePipelineReportsForbiddenAndNeverRuns(String permission) {
    Release release = install(Map.of(), List.of(permission));
    String namespace = pipelineNamespace();
    String resource = permission.replaceAll("^[^/]*/|:.*$", "");

    try (KubernetesClient asOperator = release.serviceAccountClient();
        StreamPipelineOperator operator = release.startOperator(asOperator)) {
      admin.resource(Pipelines.wordCount(admin, namespace)).create();
      await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
        playTopicsReady(namespace);
        return readyCondition(namespace).map(c -> c.getMessage() != null && c.getMessage().contains("forbidden"))
            .orElse(false);
      });
      Condition ready = readyCondition(namespace).orElseThrow();
      assertThat(ready.getStatus()).as("Ready without %s", permission).isEqualTo("False");
      assertThat(ready.getMessage()).contains(resource);
      assertThat(pipeline(namespace).getStatus().getPhase()).isNotEqualTo(Phase.Running);
      assertThat(admin.resources(FlinkDeployment.class).inNamespace(namespace).list().getItems()).isEmpty();
    }
  }

  /**
   * Every verb of the chart is needed: without any one of them the full scenario (word count running, then its
   * dead-letter topic released under Retain in one namespace and deleted under Delete in another) fails, or,
   * for events, no event is recorded. {@code watch} is left out: without it the informers fall back to
   * relisting after each refused watch, so the scenario passes late or times out depending on timing; the
   * informers do watch. Slow (about 12 minutes: a failing run waits out its timeouts): opt in with
   * {@code -Dstreampipeline.rbac.minimality=true}.
   */
  @ParameterizedTest(name = "without {0}")
  @EnabledIfSystemProperty(named = "streampipeline.rbac.minimality", matches = "true")
  @MethodSource("everyVerb")
  void everyGrantedVerbIsNeeded(String permission) {
    Release release = install(Map.of(), List.of(permission));
    String retained = pipelineNamespace();
    String deleted = pipelineNamespace();
    boolean scenarioPassed;
    try (KubernetesClient asOperator = release.serviceAccountClient();
        StreamPipelineOperator operator = release.startOperator(asOperator)) {
      runWordCount(retained);
      dropDeadLetter(retained, DeletionPolicy.Retain);
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topic(retained, "lines-dlq").getMetadata().getLabels())
          .doesNotContainKey("app.kubernetes.io/managed-by"));
      runWordCount(deleted);
      dropDeadLetter(deleted, DeletionPolicy.Delete);
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames(deleted)).hasSize(2));
      scenarioPassed = !permission.equals("/events:create") || !events(retained).isEmpty();
    } catch (AssertionError | RuntimeException e) { // a failed await, or the operator refusing to start
      scenarioPassed = false;
    }
    assertThat(scenarioPassed).as("the scenario passed without %s", permission).isFalse();
  }

  static Stream<String> everyVerb() {
    return OperatorRules.ALL.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(verb -> e.getKey().replaceFirst("^core/", "/") + ":" + verb))
        .filter(permission -> !permission.endsWith(":watch"))
        .sorted();
  }

  // --- the scenario --------------------------------------------------------------------------

  private void runWordCount(String namespace) {
    admin.resource(Pipelines.wordCount(admin, namespace)).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(topicNames(namespace))
        .as("KafkaTopics the operator created; status: %s", statusOf(namespace))
        .containsExactlyInAnyOrderElementsOf(WORDCOUNT_TOPICS));
    WORDCOUNT_TOPICS.forEach(t -> played.topicReady(namespace, t));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(admin.resources(FlinkDeployment.class).inNamespace(namespace)
        .withName("wordcount").get()).as("FlinkDeployment; status: %s", statusOf(namespace)).isNotNull());
    played.flinkRunning(namespace, "wordcount", "job-1");
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(pipeline(namespace).getStatus().getPhase()).as("phase; status: %s", statusOf(namespace))
          .isEqualTo(Phase.Running);
      assertThat(readyCondition(namespace).orElseThrow().getStatus()).isEqualTo("True");
    });
  }

  /**
   * Takes the dead-letter topic out of the spec: the operator deletes its KafkaTopic, or under Retain releases it. The
   * topic is part of the running job's plan, so the change is checked first: the check Job is played (compatible),
   * its pod created from the Job's template under the namespace's restricted Pod Security, and then the
   * FlinkDeployment gets the new plan.
   */
  private void dropDeadLetter(String namespace, DeletionPolicy policy) {
    admin.resources(StreamPipeline.class).inNamespace(namespace).withName("wordcount").edit(p -> {
      p.getSpec().getTopics().setDeletionPolicy(policy);
      p.getSpec().setDeadLetter(null);
      return p;
    });
    Job check = await().atMost(TIMEOUT).until(() -> jobs.runningUpgradeCheck(namespace, "wordcount"), Optional::isPresent)
        .orElseThrow();
    jobs.ended(check, 0, new UpgradeCheckProtocol.Result(UpgradeCheckProtocol.Result.COMPATIBLE, "compatible",
        List.of(), 0).encode());
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(PlanCodec.decode(admin.resources(FlinkDeployment.class)
        .inNamespace(namespace).withName("wordcount").get().getSpec().getJob().getArgs()[1]).deadLetterTopic())
        .as("dead-letter topic in the FlinkDeployment's plan; status: %s", statusOf(namespace)).isNull());
  }

  private KafkaTopic topic(String namespace, String name) {
    return admin.resources(KafkaTopic.class).inNamespace(namespace).withName(name).get();
  }

  /** Strimzi's part, for whichever of the pipeline's topics exist yet. */
  private void playTopicsReady(String namespace) {
    topicNames(namespace).forEach(t -> played.topicReady(namespace, t));
  }

  private String pipelineNamespace() {
    String namespace = cluster.newNamespace("pipelines");
    admin.namespaces().withName(namespace).edit(ns -> restricted(ns));
    played.createKafkaCluster(namespace, "events");
    return namespace;
  }

  private StreamPipeline pipeline(String namespace) {
    return admin.resources(StreamPipeline.class).inNamespace(namespace).withName("wordcount").get();
  }

  private String statusOf(String namespace) {
    StreamPipeline pipeline = pipeline(namespace);
    return pipeline == null ? "no pipeline" : JSON.asJson(pipeline.getStatus());
  }

  private Optional<Condition> readyCondition(String namespace) {
    StreamPipeline pipeline = pipeline(namespace);
    if (pipeline == null || pipeline.getStatus() == null || pipeline.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pipeline.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }

  private List<String> topicNames(String namespace) {
    return admin.resources(KafkaTopic.class).inNamespace(namespace).list().getItems()
        .stream().map(t -> t.getMetadata().getName()).toList();
  }

  private List<Event> events(String namespace) {
    return admin.v1().events().inNamespace(namespace).list().getItems();
  }

  // --- installing the chart ----------------------------------------------------------------

  /**
   * Renders the chart into a new release namespace and server-side applies every object, as {@code helm install}
   * would, optionally without the RBAC rules for some {@code group/resource}s.
   */
  private Release install(Map<String, Object> values, List<String> withoutRulesFor) {
    String name = "sp" + RELEASES.incrementAndGet();
    String namespace = cluster.newNamespace("release");
    admin.namespaces().withName(namespace).edit(ns -> restricted(ns));
    Chart chart = Chart.release(name, namespace);
    values.forEach(chart::set);
    List<HasMetadata> objects = new ArrayList<>(chart.render());
    objects.forEach(o -> dropRules(o, withoutRulesFor));
    objects.forEach(o -> admin.resource(o).fieldManager("helm").forceConflicts().serverSideApply());
    return new Release(name, namespace, objects, cluster.kubeconfigYaml());
  }

  private static Namespace restricted(Namespace namespace) {
    return new NamespaceBuilder(namespace).editMetadata()
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
        .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
        .endMetadata().build();
  }

  /** Removes {@code group/resource} rules, or with {@code :verb} only that verb, from a (Cluster)Role. */
  private static void dropRules(HasMetadata object, List<String> permissions) {
    List<PolicyRule> rules = object instanceof ClusterRole role ? role.getRules()
        : object instanceof io.fabric8.kubernetes.api.model.rbac.Role role ? role.getRules() : null;
    if (rules == null) {
      return;
    }
    for (String permission : permissions) {
      String groupResource = permission.replaceAll(":.*$", "");
      String verb = permission.contains(":") ? permission.substring(permission.indexOf(':') + 1) : null;
      List<PolicyRule> matching = rules.stream().filter(r -> r.getApiGroups().stream()
          .anyMatch(g -> r.getResources().stream().anyMatch(res -> groupResource.equals(g + "/" + res)))).toList();
      assertThat(matching).as("rules for %s in %s", groupResource, object.getMetadata().getName()).hasSize(1);
      PolicyRule rule = matching.get(0);
      if (verb != null) {
        assertThat(rule.getVerbs().remove(verb)).as("%s grants %s", groupResource, verb).isTrue();
      }
      if (verb == null || rule.getVerbs().isEmpty()) {
        rules.remove(rule); // the API server refuses a rule without verbs
      }
    }
  }

  private record Release(String name, String namespace, List<HasMetadata> objects, String adminKubeconfig) {

    /** A client that acts as the chart's ServiceAccount, as the operator pod's in-cluster config would. */
    KubernetesClient serviceAccountClient() {
      String account = only(objects, io.fabric8.kubernetes.api.model.ServiceAccount.class).getMetadata().getName();
      Config config = Config.fromKubeconfig(adminKubeconfig);
      config.setImpersonateUsername("system:serviceaccount:" + namespace + ":" + account);
      config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace,
          "system:authenticated");
      return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The operator as the rendered Deployment configures it: its environment, its lease namespace. */
    StreamPipelineOperator startOperator(KubernetesClient client) {
      List<EnvVar> env = only(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
      Map<String, String> values = env.stream().filter(e -> e.getValue() != null)
          .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
      boolean leaderElection = env.stream().anyMatch(e -> e.getName().equals("STREAMPIPELINE_LEADER_ELECTION_NAMESPACE")
          && "metadata.namespace".equals(e.getValueFrom().getFieldRef().getFieldPath()));
      return StreamPipelineOperator.start(client, OperatorConfig.fromEnvironment(values),
          leaderElection ? Optional.of(namespace) : Optional.empty());
    }
  }
}
