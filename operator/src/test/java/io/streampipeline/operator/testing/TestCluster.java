package io.streampipeline.operator.testing;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real control plane for tests: kube-apiserver and etcd (fabric8 kube-api-test), optionally
 * kube-controller-manager running only its garbage collector, so that owner-reference deletion really
 * happens. Installs the CRDs the operator meets in a cluster.
 */
public final class TestCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TestCluster.class);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private final KubeAPIServer apiServer;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private Process controllerManager;
  /** kube-apiserver as {@link #startApiServerAgain} started it, which kube-api-test does not know of. */
  private Process replacementApiServer;
  private List<String> apiServerCommand;

  private TestCluster(KubeAPIServer apiServer, KubernetesClient client, Path kubeconfig) {
    this.apiServer = apiServer;
    this.client = client;
    this.kubeconfig = kubeconfig;
  }

  public static TestCluster start() {
    KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig();
    KubeBinaries.testDir().ifPresent(dir -> config.withTestDir(dir.toString()).withOfflineMode(true));
    KubeAPIServer server = new KubeAPIServer(config.build());
    server.start();
    String yaml = server.getKubeConfigYaml();
    try {
      Path kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
      Files.writeString(kubeconfig, yaml);
      KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
      return new TestCluster(server, client, kubeconfig);
    } catch (IOException e) {
      server.stop();
      throw new UncheckedIOException(e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  public String kubeconfigYaml() {
    return apiServer.getKubeConfigYaml();
  }

  public Path kubeconfigFile() {
    return kubeconfig;
  }

  /** Ours (from crds/), Strimzi's KafkaTopic, KafkaUser and Kafka, and the Flink operator's FlinkDeployment. */
  public TestCluster withAllCrds() {
    installStreamPipelineCrd();
    installStrimziCrds();
    installFlinkCrd();
    return this;
  }

  public void installStreamPipelineCrd() {
    apply(Path.of(System.getProperty("streampipeline.crds", "../crds")).resolve("streampipelines.streampipeline.io-v1.yml"));
  }

  /** Generated from the io.strimzi:api model classes: the same schema a Strimzi 0.49 cluster serves. */
  public void installStrimziCrds() {
    try {
      Path dir = Files.createTempDirectory("strimzi-crds");
      new CRDGenerator().customResourceClasses(KafkaTopic.class, Kafka.class, KafkaUser.class).inOutputDir(dir.toFile())
          .forCRDVersions("v1").generate();
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
              .load(Files.newInputStream(file)).item();
          preserveTopicConfig(crd);
          preserveUserAuthorization(crd);
          applyCrd(crd);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The FlinkDeployment CRD shipped in flink-kubernetes-operator-api. */
  public void installFlinkCrd() {
    try (InputStream in = TestCluster.class.getResourceAsStream("/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml")) {
      applyCrd(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void apply(Path file) {
    try {
      applyCrd(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Strimzi's own CRD generator declares a KafkaTopic's {@code spec.config} (a {@code Map<String, Object>})
   * as an object with preserved unknown fields; fabric8's declares its values as objects. Match Strimzi.
   */
  private static void preserveTopicConfig(CustomResourceDefinition crd) {
    if (!"KafkaTopic".equals(crd.getSpec().getNames().getKind())) {
      return;
    }
    crd.getSpec().getVersions().forEach(v -> v.getSchema().getOpenAPIV3Schema().getProperties().get("spec")
        .getProperties().put("config", new JSONSchemaPropsBuilder().withType("object")
            .withXKubernetesPreserveUnknownFields(true).build()));
  }

  /**
   * A KafkaUser's {@code spec.authorization} is one of several types ({@code simple} with its {@code acls}, ...):
   * Strimzi's CRD generator declares the union of their fields, fabric8's only those of the abstract base
   * ({@code type}), so the API server would refuse {@code acls}. Keep whatever the resource holds.
   */
  private static void preserveUserAuthorization(CustomResourceDefinition crd) {
    if (!"KafkaUser".equals(crd.getSpec().getNames().getKind())) {
      return;
    }
    crd.getSpec().getVersions().forEach(v -> v.getSchema().getOpenAPIV3Schema().getProperties().get("spec")
        .getProperties().put("authorization", new JSONSchemaPropsBuilder().withType("object")
            .withXKubernetesPreserveUnknownFields(true).build()));
  }

  private void applyCrd(byte[] yaml) {
    applyCrd(client.apiextensions().v1().customResourceDefinitions().load(new ByteArrayInputStream(yaml)).item());
  }

  private void applyCrd(CustomResourceDefinition crd) {
    client.resource(crd).serverSideApply();
    client.apiextensions().v1().customResourceDefinitions().resource(crd)
        .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream()
                .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
            30, TimeUnit.SECONDS);
  }

  public void deleteCrd(String name) {
    client.apiextensions().v1().customResourceDefinitions().withName(name).delete();
    client.apiextensions().v1().customResourceDefinitions().withName(name)
        .waitUntilCondition(java.util.Objects::isNull, 30, TimeUnit.SECONDS);
  }

  public String newNamespace(String prefix) {
    String name = prefix + "-" + NAMESPACES.incrementAndGet();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** Whether the garbage collector can run here (its binary is built by hack/kube-binaries.sh). */
  public static boolean garbageCollectorAvailable() {
    return KubeBinaries.binary("kube-controller-manager").isPresent();
  }

  /** Starts kube-controller-manager with only the garbage collector, as a cluster has it. */
  public TestCluster withGarbageCollector() {
    Path binary = KubeBinaries.binary("kube-controller-manager")
        .orElseThrow(() -> new IllegalStateException("kube-controller-manager not found; run hack/kube-binaries.sh"));
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--kubeconfig=" + kubeconfig,
        "--authentication-kubeconfig=" + kubeconfig,
        "--authorization-kubeconfig=" + kubeconfig,
        "--controllers=garbagecollector",
        "--leader-elect=false",
        "--use-service-account-credentials=false",
        "--secure-port=0"));
    try {
      controllerManager = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(Files.createTempFile("kube-controller-manager", ".log").toFile()).start();
      LOG.info("Started kube-controller-manager (garbage collector only)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * Stops kube-apiserver (SIGKILL) until {@link #startApiServerAgain}; etcd keeps running with everything stored.
   * kube-api-test has no API for this: its process is reached by reflection and marked stopped first, or
   * kube-api-test would take the process's end for a crash and stop etcd too.
   */
  public void killApiServer() {
    try {
      Object process = field(apiServer, "kubeApiServerProcess");
      Process server = replacementApiServer != null ? replacementApiServer : (Process) field(process, "apiServerProcess");
      ProcessHandle.Info info = server.info();
      apiServerCommand = new ArrayList<>();
      apiServerCommand.add(info.command().orElseThrow(() -> new IllegalStateException("kube-apiserver's command unknown")));
      apiServerCommand.addAll(List.of(info.arguments().orElseThrow(() -> new IllegalStateException("kube-apiserver's arguments unknown"))));
      Field stopped = process.getClass().getDeclaredField("stopped");
      stopped.setAccessible(true);
      stopped.setBoolean(process, true);
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
      LOG.info("kube-apiserver killed (pid {})", server.pid());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this kube-api-test version holds its kube-apiserver process elsewhere", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts kube-apiserver again as it ran before {@link #killApiServer}: same port, certificates and etcd. */
  public void startApiServerAgain() {
    try {
      replacementApiServer = new ProcessBuilder(apiServerCommand).redirectErrorStream(true)
          .redirectOutput(Files.createTempFile("kube-apiserver", ".log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LOG.info("kube-apiserver started again (pid {})", replacementApiServer.pid());
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field field = owner.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(owner);
  }

  @Override
  public void close() {
    if (replacementApiServer != null) {
      replacementApiServer.destroyForcibly();
    }
    if (controllerManager != null) {
      controllerManager.destroy();
      try {
        controllerManager.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    client.close();
    apiServer.stop();
    try {
      Files.deleteIfExists(kubeconfig);
    } catch (IOException ignored) {
      // a temp file
    }
  }
}
