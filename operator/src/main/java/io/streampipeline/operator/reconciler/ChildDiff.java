package io.streampipeline.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a child must be written: only when what the operator decides (spec, its labels, its owner
 * references) differs from what the cluster has. A resync of an unchanged pipeline writes nothing.
 */
final class ChildDiff {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private ChildDiff() {}

  static boolean needsApply(HasMetadata desired, HasMetadata actual, Object desiredSpec, Object actualSpec) {
    if (actual == null) {
      return true;
    }
    Map<String, String> labels = actual.getMetadata().getLabels() == null ? Map.of() : actual.getMetadata().getLabels();
    boolean labelsDiffer = desired.getMetadata().getLabels().entrySet().stream()
        .anyMatch(e -> !Objects.equals(labels.get(e.getKey()), e.getValue()));
    return labelsDiffer
        || !owners(desired.getMetadata().getOwnerReferences()).equals(owners(actual.getMetadata().getOwnerReferences()))
        || !tree(desiredSpec).equals(tree(actualSpec));
  }

  private static Set<String> owners(List<OwnerReference> references) {
    return references == null ? Set.of()
        : references.stream().map(OwnerReference::getUid).collect(Collectors.toSet());
  }

  private static JsonNode tree(Object spec) {
    return SERIALIZATION.convertValue(spec, JsonNode.class);
  }
}
