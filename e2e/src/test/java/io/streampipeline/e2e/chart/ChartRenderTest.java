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
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
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
        .containsEntry("STREAMPIPELINE_HEALTH_PORT", "8080");
    assertThat(operator.getEnv()).extracting(EnvVar::getName).doesNotContain("STREAMPIPELINE_LEADER_ELECTION_NAMESPACE");

    Service service = only(objects, Service.class);
    assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("health"));
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
    assertThat(operator.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("health");
      assertThat(p.getContainerPort()).isEqualTo(9090);
    });
    assertThat(env(operator)).containsEntry("STREAMPIPELINE_HEALTH_PORT", "9090");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
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
    assertThat(only(objects, RoleBinding.class).getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(rulesByResource(only(objects, ClusterRole.class).getRules()))
        .as("the cluster-wide role grants no lease").doesNotContainKey("coordination.k8s.io/leases");
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
        .set("job.stateDir", "s3://bucket/streampipeline")
        .render(), Deployment.class));
    assertThat(operator.getImage()).isEqualTo("registry.example.com/sp/operator:1.2.3");
    assertThat(env(operator)).containsEntry("STREAMPIPELINE_JOB_IMAGE", "registry.example.com/sp/job:1.2.4")
        .containsEntry("STREAMPIPELINE_FLINK_SERVICE_ACCOUNT", "flink-jobs")
        .containsEntry("STREAMPIPELINE_STATE_DIR", "s3://bucket/streampipeline");
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
      assertThat(rule.getResources()).as("no secrets or pods").doesNotContain("secrets", "pods", "pods/exec");
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
