package io.streampipeline.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.function.Consumer;

/**
 * How the Strimzi and Flink operators write a status, and so how their stand-ins do: read, change the status,
 * write it with the read resourceVersion, and again on a conflict. A resource that is gone is left alone.
 */
public final class StatusWrites {

  private static final int ATTEMPTS = 10;

  private StatusWrites() {}

  public static <T extends HasMetadata> void update(KubernetesClient client, Resource<T> resource, Consumer<T> change) {
    for (int attempt = 1; ; attempt++) {
      T current = resource.get();
      if (current == null) {
        return;
      }
      change.accept(current);
      try {
        client.resource(current).updateStatus();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
