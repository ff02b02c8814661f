package io.streampipeline.e2e.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Secret volumes of a FlinkDeployment's pod template as the kubelet mounts them, played for
 * {@link FlinkOperatorStandIn}: each is a local directory holding the Secret's keys (those its {@code items}
 * project) as files, written again at every start of a job, so that a rotated Secret reaches a restarted job as it
 * reaches a restarted pod. A missing Secret or key fails the start, as the kubelet would leave the pod waiting.
 *
 * <p>Mapped, because a JVM is not a pod: the job's arguments name the local directory where they name the mount
 * path (as the image's jar path is mapped to the built jar). File modes and {@code fsGroup} are not applied.
 */
final class SecretVolumes {

  private final KubernetesClient client;
  private final String namespace;
  private final Path root;

  /** @param root local directory under which each deployment's Secret volumes are written */
  SecretVolumes(KubernetesClient client, String namespace, Path root) {
    this.client = client;
    this.namespace = namespace;
    this.root = root;
  }

  /** Writes the pod template's Secret volumes for {@code deployment}; returns {@code args} with their mount paths mapped. */
  String[] mount(String deployment, PodSpec pod, String[] args) throws IOException {
    if (pod == null || pod.getVolumes() == null || pod.getContainers() == null) {
      return args;
    }
    Map<String, Path> mounted = new LinkedHashMap<>();
    for (Container container : pod.getContainers()) {
      for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("volume mount " + mount.getName() + ": no such volume"));
        if (volume.getSecret() != null) {
          mounted.put(mount.getMountPath(), write(deployment, volume));
        }
      }
    }
    String[] mapped = args.clone();
    for (int i = 0; i < mapped.length; i++) {
      for (Map.Entry<String, Path> mount : mounted.entrySet()) {
        mapped[i] = mapped[i].replace(mount.getKey(), mount.getValue().toString());
      }
    }
    return mapped;
  }

  private Path write(String deployment, Volume volume) throws IOException {
    String name = volume.getSecret().getSecretName();
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException("MountVolume.SetUp failed for volume \"" + volume.getName() + "\": secret \""
          + name + "\" not found");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    List<KeyToPath> items = volume.getSecret().getItems() == null || volume.getSecret().getItems().isEmpty()
        ? data.keySet().stream().map(key -> new KeyToPath(key, null, key)).toList() : volume.getSecret().getItems();
    Path dir = root.resolve(deployment).resolve(volume.getName());
    Files.createDirectories(dir);
    for (KeyToPath item : items) {
      String value = data.get(item.getKey());
      if (value == null) {
        throw new IllegalStateException("MountVolume.SetUp failed for volume \"" + volume.getName() + "\": references"
            + " non-existent secret key: " + item.getKey());
      }
      Files.write(dir.resolve(item.getPath()), Base64.getDecoder().decode(value));
    }
    return dir;
  }
}
