package io.streampipeline.e2e.chart;

import static io.streampipeline.e2e.chart.Chart.all;
import static io.streampipeline.e2e.chart.Chart.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.streampipeline.model.StateStorageSpec;
import io.streampipeline.operator.config.OperatorConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the chart renders for default and non-default values, checked object by object. */
class ChartRenderTest {

  private static final String NS = "streampipeline-system";

  @Test
  void chartLintsClean() {
    var result = new Helm(Chart.DIR).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
  }

  @Test
  void chartShipsTheGeneratedCrdUnchanged() throws Exception {
    assertThat(Files.readString(Chart.CRD))
        .as("%s must equal the generated crds/streampipelines.streampipeline.io-v1.yml; copy it over after "
            + "regenerating the CRD", Chart.CRD)
        .isEqualTo(Files.readString(io.streampipeline.e2e.RepositoryPaths.path("crds/streampipelines.streampipeline.io-v1.yml")));
  }

  @Test
  void defaultsWatchAllNamespacesWithAClusterRoleAndOneReplicaWithoutLeaderElection() {
    List<HasMetadata> objects = Chart.release("sp", NS).render();

    assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment");
    assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
        .as("labels of %s %s", o.getKind(), o.getMetadata().getName())
        .containsEntry("app.kubernetes.io/name", "streampipeline-operator")
        .containsEntry("app.kubernetes.io/instance", "sp")
        .containsEntry("app.kubernetes.io/managed-by", "Helm")
        .containsKeys("app.kubernetes.io/version", "helm.sh/chart"));

    ServiceAccount account = only(objects, ServiceAccount.class);
    assertThat(account.getMetadata().getNamespace()).isEqualTo(NS);
    ClusterRoleBinding binding = only(objects, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(only(objects, ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
      assertThat(s.getNamespace()).isEqualTo(NS);
    });
    assertThat(rulesByResource(only(objects, ClusterRole.class).getRules())).isEqualTo(OperatorRules.ALL);

    Deployment deployment = only(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(account.getMetadata().getName());
    Container operator = operatorContainer(deployment);
    assertThat(operator.getImage()).isEqualTo("ghcr.io/streampipeline/streampipeline-operator:0.1.0");
    assertThat(env(operator)).containsEntry("STREAMPIPELINE_WATCH_NAMESPACES", "")
        .containsEntry("STREAMPIPELINE_JOB_IMAGE", "ghcr.io/streampipeline/streampipeline-job:0.1.0")
        .containsEntry("STREAMPIPELINE_FLINK_SERVICE_ACCOUNT", "flink")
        .containsEntry("STREAMPIPELINE_HEALTH_PORT", "8080")
        .containsEntry("STREAMPIPELINE_METRICS_PORT", "8081");
    assertThat(operator.getEnv()).extracting(EnvVar::getName).doesNotContain("STREAMPIPELINE_LEADER_ELECTION_NAMESPACE");

    Service service = only(objects, Service.class);
    assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics");
      assertThat(p.getPort()).isEqualTo(8081);
    });
    assertThat(operator.getPorts()).filteredOn(p -> p.getName().equals("metrics")).singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8081));
  }

  @Test
  void podMeetsTheRestrictedPodSecurityStandardWithATmpVolume() {
    Deployment deployment = only(Chart.release("sp", NS).render(), Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getContainers()).allSatisfy(c -> {
      var security = c.getSecurityContext();
      assertThat(security.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation of %s", c.getName()).isFalse();
      assertThat(security.getReadOnlyRootFilesystem()).isTrue();
      assertThat(security.getRunAsNonRoot()).isTrue();
      assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getPorts()).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
    });
    assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());

    Container operator = operatorContainer(deployment);
    String tmpVolume = operator.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
        .orElseThrow(() -> new AssertionError("no volume mounted at /tmp: " + operator.getVolumeMounts())).getName();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(tmpVolume)).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void probesAskTheHealthEndpointsOnTheHealthPort() {
    Container operator = operatorContainer(only(Chart.release("sp", NS).set("health.port", 9090).render(), Deployment.class));
    assertThat(operator.getPorts()).filteredOn(p -> p.getName().equals("health")).singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(9090));
    assertThat(env(operator)).containsEntry("STREAMPIPELINE_HEALTH_PORT", "9090");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getStartupProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getStartupProbe().getFailureThreshold() * operator.getStartupProbe().getPeriodSeconds())
        .as("seconds the operator has to start before liveness counts").isEqualTo(300);
    assertThat(operator.getLivenessProbe().getInitialDelaySeconds()).as("the startup probe covers the start").isNull();
  }

  @Test
  void metricsServiceMonitorSelectsTheMetricsServiceWhenAsked() {
    List<HasMetadata> without = Chart.release("sp", NS).render();
    assertThat(without).extracting(HasMetadata::getKind).doesNotContain("ServiceMonitor");

    List<HasMetadata> objects = Chart.release("sp", NS).set("metrics.serviceMonitor.enabled", true)
        .set("metrics.serviceMonitor.labels", Map.of("release", "kube-prometheus-stack")).render();
    HasMetadata monitor = objects.stream().filter(o -> o.getKind().equals("ServiceMonitor")).findFirst()
        .orElseThrow(() -> new AssertionError("no ServiceMonitor"));
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    Map<String, Object> spec = specOf(monitor);
    Service service = only(objects, Service.class);
    assertThat(spec).extracting("selector").extracting("matchLabels").isEqualTo(service.getSpec().getSelector());
    assertThat(spec).extracting("endpoints").asList().singleElement()
        .satisfies(e -> {
          Map<?, ?> endpoint = (Map<?, ?>) e;
          assertThat(endpoint.get("port")).isEqualTo(service.getSpec().getPorts().get(0).getName());
          assertThat(endpoint.get("path")).isEqualTo("/metrics");
        });
    assertThatThrownBy(() -> Chart.release("sp", NS).set("metrics.serviceMonitor.enabled", true)
        .set("metrics.service.enabled", false).render()).hasMessageContaining("metrics.service.enabled");
  }

  @Test
  void podMonitorScrapesTheFlinkPodsOfTheWatchedNamespaces() {
    assertThat(Chart.release("sp", NS).render()).extracting(HasMetadata::getKind).doesNotContain("PodMonitor");
    HasMetadata all = kind(Chart.release("sp", NS).set("metrics.podMonitor.enabled", true).render(), "PodMonitor");
    assertThat(specOf(all)).extracting("namespaceSelector").isEqualTo(Map.of("any", true));
    assertThat(specOf(all)).extracting("selector").extracting("matchLabels")
        .isEqualTo(Map.of("app.kubernetes.io/managed-by", "streampipeline-operator"));
    assertThat(specOf(all)).extracting("podMetricsEndpoints").asList().singleElement()
        .satisfies(e -> assertThat(((Map<?, ?>) e).get("port")).isEqualTo("metrics"));
    HasMetadata listed = kind(Chart.release("sp", NS).set("metrics.podMonitor.enabled", true)
        .set("watchNamespaces", List.of("team-a")).render(), "PodMonitor");
    assertThat(specOf(listed)).extracting("namespaceSelector").isEqualTo(Map.of("matchNames", List.of("team-a")));
  }

  private static HasMetadata kind(List<HasMetadata> objects, String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind));
  }

  @Test
  void namesFollowNameOverrideAndFullnameOverride() {
    List<HasMetadata> renamed = Chart.release("sp", NS).set("nameOverride", "pipelines").render();
    assertThat(only(renamed, Deployment.class).getMetadata().getName()).isEqualTo("sp-pipelines");
    assertThat(renamed).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "pipelines"));

    List<HasMetadata> fixed = Chart.release("sp", NS).set("fullnameOverride", "stream-ops").set("replicaCount", 2).render();
    assertThat(fixed).allSatisfy(o ->
        assertThat(o.getMetadata().getName()).as("%s name", o.getKind()).startsWith("stream-ops"));
    assertThat(env(operatorContainer(only(fixed, Deployment.class))))
        .containsEntry("STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME", "stream-ops");
  }

  @Test
  void extraEnvReachesTheOperatorContainer() {
    Container operator = operatorContainer(only(Chart.release("sp", NS).set("extraEnv", List.of(
        Map.of("name", "HTTPS_PROXY", "value", "http://proxy.example.com:3128"),
        Map.of("name", "TOKEN", "valueFrom", Map.of("secretKeyRef", Map.of("name", "op-secrets", "key", "token")))))
        .render(), Deployment.class));
    assertThat(env(operator)).containsEntry("HTTPS_PROXY", "http://proxy.example.com:3128")
        .containsEntry("STREAMPIPELINE_HEALTH_PORT", "8080");
    assertThat(operator.getEnv()).filteredOn(e -> e.getName().equals("TOKEN")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("op-secrets"));
  }

  @Test
  void notesSayWhereTheOperatorRunsAndHowToWatchPipelines() {
    String output = new Helm(Chart.DIR).install().withName("sp").withNamespace(NS).withKubeVersion(Chart.KUBE_VERSION)
        .set("replicaCount", 2).dryRun().clientOnly().call().getOutput();
    assertThat(output).contains("NOTES:")
        .contains("deployment/sp-streampipeline-operator")
        .contains("the Lease sp-streampipeline-operator")
        .contains("service/sp-streampipeline-operator-metrics port 8081, path /metrics")
        .contains("kubectl wait --for=condition=Ready");
  }

  @Test
  void namespaceListGetsARolePerNamespaceAndNoClusterWidePermission() {
    List<HasMetadata> objects = Chart.release("sp", NS).set("watchNamespaces", List.of("team-a", "team-b")).render();

    assertThat(all(objects, ClusterRole.class)).isEmpty();
    assertThat(all(objects, ClusterRoleBinding.class)).isEmpty();
    assertThat(all(objects, Role.class)).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(all(objects, Role.class)).allSatisfy(r -> assertThat(rulesByResource(r.getRules())).isEqualTo(OperatorRules.ALL));
    assertThat(all(objects, RoleBinding.class)).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(all(objects, RoleBinding.class)).allSatisfy(b -> assertThat(b.getSubjects()).singleElement()
        .satisfies(s -> assertThat(s.getNamespace()).isEqualTo(NS)));
    assertThat(env(operatorContainer(only(objects, Deployment.class))))
        .containsEntry("STREAMPIPELINE_WATCH_NAMESPACES", "team-a,team-b");
  }

  @Test
  void twoReplicasElectALeaderThroughALeaseInTheReleaseNamespaceOnly() {
    List<HasMetadata> objects = Chart.release("sp", NS).set("replicaCount", 2).render();

    Deployment deployment = only(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    EnvVar lease = operatorContainer(deployment).getEnv().stream()
        .filter(e -> e.getName().equals("STREAMPIPELINE_LEADER_ELECTION_NAMESPACE")).findFirst()
        .orElseThrow(() -> new AssertionError("no STREAMPIPELINE_LEADER_ELECTION_NAMESPACE with 2 replicas"));
    assertThat(lease.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");

    Role leaseRole = only(objects, Role.class);
    assertThat(leaseRole.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(leaseRole.getRules()).allSatisfy(r -> {
      assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
      assertThat(r.getResources()).containsExactly("leases");
    });
    assertThat(rulesByResource(leaseRole.getRules())).isEqualTo(Map.of("coordination.k8s.io/leases", List.of("create", "get", "patch", "update")));
    assertThat(leaseRole.getRules()).filteredOn(r -> !r.getResourceNames().isEmpty()).singleElement()
        .satisfies(r -> assertThat(r.getResourceNames()).containsExactly("sp-streampipeline-operator"));
    assertThat(env(operatorContainer(deployment)))
        .as("the Lease is the release's own").containsEntry("STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME", "sp-streampipeline-operator");
    PodDisruptionBudget budget = only(objects, PodDisruptionBudget.class);
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(Chart.release("sp", NS).render()).as("no budget for a single replica")
        .extracting(HasMetadata::getKind).doesNotContain("PodDisruptionBudget");
    assertThat(only(objects, RoleBinding.class).getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(rulesByResource(only(objects, ClusterRole.class).getRules()))
        .as("the cluster-wide role grants no lease").doesNotContainKey("coordination.k8s.io/leases");
  }

  @Test
  void twoReleasesInOneNamespaceNeverShareALeaseOrAnObjectName() {
    List<HasMetadata> a = Chart.release("pipelines-a", NS).set("replicaCount", 2).render();
    List<HasMetadata> b = Chart.release("pipelines-b", NS).set("replicaCount", 2).render();
    String leaseA = env(operatorContainer(only(a, Deployment.class))).get("STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME");
    String leaseB = env(operatorContainer(only(b, Deployment.class))).get("STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME");
    assertThat(leaseA).isEqualTo("pipelines-a-streampipeline-operator").isNotEqualTo(leaseB);
    assertThat(b).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .doesNotContainAnyElementsOf(a.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
  }

  @Test
  void leaderElectionCanBeTurnedOnForOneReplica() {
    Deployment deployment = only(Chart.release("sp", NS).set("leaderElection.enabled", true).render(), Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(operatorContainer(deployment).getEnv()).extracting(EnvVar::getName)
        .contains("STREAMPIPELINE_LEADER_ELECTION_NAMESPACE");
  }

  @Test
  void customImagesReachTheDeploymentAndTheOperatorsJobDefault() {
    Container operator = operatorContainer(only(Chart.release("sp", NS)
        .set("image.repository", "registry.example.com/sp/operator").set("image.tag", "1.2.3")
        .set("job.image.repository", "registry.example.com/sp/job").set("job.image.tag", "1.2.4")
        .set("job.flinkServiceAccount", "flink-jobs")
        .render(), Deployment.class));
    assertThat(operator.getImage()).isEqualTo("registry.example.com/sp/operator:1.2.3");
    assertThat(env(operator)).containsEntry("STREAMPIPELINE_JOB_IMAGE", "registry.example.com/sp/job:1.2.4")
        .containsEntry("STREAMPIPELINE_FLINK_SERVICE_ACCOUNT", "flink-jobs");
  }

  /** The chart's state storage values, read back by the operator's own configuration code from the pod's env. */
  @Test
  void stateStorageValuesBecomeTheOperatorsDefaultStateStorage() {
    StateStorageSpec byDefault = OperatorConfig.fromEnvironment(env(operatorContainer(
        only(Chart.release("sp", NS).render(), Deployment.class)))).stateStorage();
    assertThat(byDefault.getUri()).isEqualTo("file:///flink-data");
    assertThat(byDefault.getPvc().getClaimName()).isEqualTo("flink-state");
    assertThat(byDefault.getS3()).isNull();

    StateStorageSpec s3 = OperatorConfig.fromEnvironment(env(operatorContainer(only(Chart.release("sp", NS)
        .set("job.stateStorage.uri", "s3://state-bucket/streampipeline")
        .set("job.stateStorage.s3.endpoint", "http://minio.storage:9000")
        .set("job.stateStorage.s3.pathStyleAccess", true)
        .set("job.stateStorage.s3.credentialsSecret", "flink-s3")
        .render(), Deployment.class)))).stateStorage();
    assertThat(s3.getUri()).isEqualTo("s3://state-bucket/streampipeline");
    assertThat(s3.getPvc()).as("no claim for S3").isNull();
    assertThat(s3.getS3().getEndpoint()).isEqualTo("http://minio.storage:9000");
    assertThat(s3.getS3().getPathStyleAccess()).isTrue();
    assertThat(s3.getS3().getCredentialsSecret()).isEqualTo("flink-s3");

    StateStorageSpec aws = OperatorConfig.fromEnvironment(env(operatorContainer(only(Chart.release("sp", NS)
        .set("job.stateStorage.uri", "s3://state-bucket").render(), Deployment.class)))).stateStorage();
    assertThat(aws.getS3().getEndpoint()).as("AWS S3: no endpoint").isNull();
    assertThat(aws.getS3().getCredentialsSecret()).as("workload identity: no Secret").isNull();
  }

  /** The progress poll's values, read back by the operator's own configuration code from the pod's env. */
  @Test
  void progressPollValuesBecomeTheOperatorsPollIntervalAndRestUrl() {
    OperatorConfig byDefault = OperatorConfig.fromEnvironment(env(operatorContainer(
        only(Chart.release("sp", NS).render(), Deployment.class))));
    assertThat(byDefault.progressPollInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(byDefault.flinkRestUrl()).isEqualTo(OperatorConfig.DEFAULT_FLINK_REST_URL);

    OperatorConfig set = OperatorConfig.fromEnvironment(env(operatorContainer(only(Chart.release("sp", NS)
        .set("job.progressPollSeconds", 120)
        .set("job.flinkRestUrl", "http://{deployment}-rest.{namespace}.svc.cluster.local:8081")
        .render(), Deployment.class))));
    assertThat(set.progressPollInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(set.flinkRestAddress("team-a", "orders"))
        .hasToString("http://orders-rest.team-a.svc.cluster.local:8081");

    assertThatThrownBy(() -> Chart.release("sp", NS).set("job.progressPollSeconds", 0).render())
        .hasMessageContaining("progressPollSeconds");
    assertThatThrownBy(() -> Chart.release("sp", NS).set("job.flinkRestUrl", "orders-rest:8081").render())
        .hasMessageContaining("flinkRestUrl");
  }

  @Test
  void noRbacRuleOfAnyRenderingUsesAWildcardOrAnUnscopedVerb() {
    List<HasMetadata> objects = Stream.of(
            Chart.release("sp", NS).render(),
            Chart.release("sp", NS).set("watchNamespaces", List.of("team-a")).set("replicaCount", 3).render())
        .flatMap(List::stream).toList();
    List<PolicyRule> rules = Stream.concat(all(objects, ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
        all(objects, Role.class).stream().flatMap(r -> r.getRules().stream())).toList();
    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.getApiGroups()).as("apiGroups of %s", rule).doesNotContain("*");
      assertThat(rule.getResources()).as("resources of %s", rule).isNotEmpty().noneMatch(r -> r.contains("*"));
      assertThat(rule.getVerbs()).as("verbs of %s", rule).doesNotContain("*", "escalate", "bind", "impersonate", "deletecollection");
      assertThat(rule.getNonResourceURLs()).as("nonResourceURLs of %s", rule).isNullOrEmpty();
      assertThat(rule.getResources()).as("no pods/exec").doesNotContain("pods/exec");
      if (rule.getResources().contains("pods")) {
        // Only an upgrade check's pod is read, for its termination message: never created, changed or entered.
        assertThat(rule.getVerbs()).as("verbs on pods").containsExactly("list");
      }
      if (rule.getResources().contains("secrets")) {
        // The credentials Secrets the Flink pods mount are checked and watched for rotation, never written.
        assertThat(rule.getVerbs()).as("verbs on secrets").containsExactlyInAnyOrder("get", "list", "watch");
      }
    });
  }

  @Test
  void schemaRefusesUnknownValuesAndBadNamespaceNames() {
    assertThatThrownBy(() -> Chart.release("sp", NS).set("replicas", 2).render())
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> Chart.release("sp", NS).set("watchNamespaces", List.of("Team_A")).render())
        .hasMessageContaining("watchNamespaces");
  }

  @Test
  void noRbacWhenDisabledAndAnExistingServiceAccountIsRequiredWhenNotCreated() {
    List<HasMetadata> objects = Chart.release("sp", NS).set("rbac.create", false).set("serviceAccount.create", false)
        .set("serviceAccount.name", "platform-operator").render();
    assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Service", "Deployment");
    assertThat(only(objects, Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("platform-operator");
    assertThatThrownBy(() -> Chart.release("sp", NS).set("serviceAccount.create", false).render())
        .hasMessageContaining("serviceAccount.name is required");
  }

  static Map<String, List<String>> rulesByResource(List<PolicyRule> rules) {
    return rules.stream()
        .flatMap(r -> r.getApiGroups().stream().flatMap(g -> r.getResources().stream().map(res -> Map.entry(
            (g.isEmpty() ? "core" : g) + "/" + res, r.getVerbs()))))
        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.flatMapping(e -> e.getValue().stream(),
            Collectors.collectingAndThen(Collectors.toList(), l -> l.stream().distinct().sorted().toList()))));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> specOf(HasMetadata object) {
    return (Map<String, Object>) ((GenericKubernetesResource) object).getAdditionalProperties().get("spec");
  }

  private static Container operatorContainer(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("operator")).findFirst()
        .orElseThrow(() -> new AssertionError("no container named operator"));
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
