package io.streampipeline.e2e.chart;

import com.marcnuri.helm.Helm;
import io.streampipeline.e2e.RepositoryPaths;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The operator's Helm chart, as {@code helm template} renders it for a release (helm-java: Helm's Go code in-process). */
final class Chart {

  static final Path DIR = RepositoryPaths.path("deploy/helm/streampipeline-operator");
  static final Path CRD = DIR.resolve("crds/streampipelines.streampipeline.io-v1.yml");

  /** The version hack/kube-binaries.sh builds; Helm's own default (1.20) is older than the chart's kubeVersion. */
  static final String KUBE_VERSION = "1.34.2";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final String release;
  private final String namespace;
  private final Map<String, Object> values = new LinkedHashMap<>();

  private Chart(String release, String namespace) {
    this.release = release;
    this.namespace = namespace;
  }

  static Chart release(String release, String namespace) {
    return new Chart(release, namespace);
  }

  /** A value at a dotted path, such as {@code image.tag}; lists and maps as they are in a values file. */
  @SuppressWarnings("unchecked")
  Chart set(String path, Object value) {
    Map<String, Object> parent = values;
    String[] keys = path.split("\\.");
    for (int i = 0; i < keys.length - 1; i++) {
      parent = (Map<String, Object>) parent.computeIfAbsent(keys[i], k -> new LinkedHashMap<String, Object>());
    }
    parent.put(keys[keys.length - 1], value);
    return this;
  }

  /**
   * The templates' objects, without the CRD (Helm installs {@code crds/} apart from templates), for the
   * Kubernetes version the tests' API server runs.
   */
  List<HasMetadata> render() {
    try {
      Path valuesFile = Files.createTempFile("values", ".yaml");
      try {
        Files.writeString(valuesFile, SERIALIZATION.asYaml(values));
        return parse(new Helm(DIR).template().withName(release).withNamespace(namespace).withKubeVersion(KUBE_VERSION)
            .withValuesFile(valuesFile).skipCrds().call());
      } finally {
        Files.delete(valuesFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    Object parsed = SERIALIZATION.unmarshal(yaml);
    if (parsed instanceof List<?> list) {
      list.stream().filter(HasMetadata.class::isInstance).map(HasMetadata.class::cast).forEach(objects::add);
    } else if (parsed instanceof HasMetadata object) {
      objects.add(object);
    } else if (parsed != null && !(parsed instanceof KubernetesResource)) {
      throw new IllegalArgumentException("not Kubernetes objects: " + parsed.getClass());
    }
    return objects;
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind) {
    List<T> found = all(objects, kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind.getSimpleName() + " in the rendered chart, found " + found.size());
    }
    return found.get(0);
  }
}
