package io.streampipeline.operator.faults;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A user's edit, as {@code kubectl edit} makes it: read, change, write; again when someone wrote in between. */
final class Edits {

  private Edits() {}

  static <T extends HasMetadata> void edit(Resource<T> resource, UnaryOperator<T> change) {
    await("edit of " + resource).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(() -> resource.edit(change) != null);
  }
}
