package io.streampipeline.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.streampipeline.model.StreamPipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the CRD generator cannot express, applied to its output in the build ({@code process-classes}, see the
 * operator's pom), so that {@code crds/} still comes from the Java model alone:
 * <ul>
 *   <li>printer columns in the order {@link StreamPipeline} declares them (the generator sorts them by name);
 *   <li>the descriptions of the kind, {@code spec} and {@code status}, taken from the {@link JsonClassDescription}
 *       of {@link StreamPipeline}, {@link StreamPipelineSpec} and {@link StreamPipelineStatus};
 *   <li>{@code status.conditions} as a list-map keyed by type (as Kubernetes' own condition lists are, so that
 *       server-side apply merges them by type), with the descriptions fabric8's {@code Condition} lacks;
 *   <li>{@code spec.sinks} as a list-map keyed by name: the API server refuses two sinks of one name, and
 *       server-side apply merges sinks by name.
 * </ul>
 */
public final class CrdConventions {

  /** Kubernetes' documentation of metav1.Condition, shortened; fabric8's Condition class carries none. */
  private static final Map<String, String> CONDITION_FIELDS = Map.of(
      "type", "TopicsReady, JobReady, Ready, Reconciling, Stalled or CaughtUp.",
      "status", "True, False or Unknown.",
      "reason", "Why, as one CamelCase word for machines, such as JobRunning or InvalidSpec.",
      "message", "Why, for people.",
      "lastTransitionTime", "When the status last changed (RFC 3339).",
      "observedGeneration", "The pipeline's metadata.generation this condition was computed for.");

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private CrdConventions() {}

  /** Rewrites each generated CRD file given as an argument in place. */
  public static void main(String[] args) throws IOException {
    for (String arg : args) {
      Path file = Path.of(arg);
      String generated = Files.readString(file);
      CustomResourceDefinition crd = YAML.unmarshal(generated, CustomResourceDefinition.class);
      apply(crd);
      String header = generated.startsWith("#") ? generated.substring(0, generated.indexOf('\n') + 1) : "";
      Files.writeString(file, header + "# Post-processed by io.streampipeline.operator.api.CrdConventions\n"
          + YAML.asYaml(crd));
    }
  }

  static void apply(CustomResourceDefinition crd) {
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      version.setAdditionalPrinterColumns(inDeclaredOrder(version.getAdditionalPrinterColumns()));
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      root.setDescription(description(StreamPipeline.class));
      JSONSchemaProps spec = root.getProperties().get("spec");
      spec.setDescription(description(StreamPipelineSpec.class));
      listMap(spec.getProperties().get("sinks"), "name");
      JSONSchemaProps status = root.getProperties().get("status");
      status.setDescription(description(StreamPipelineStatus.class));
      conditionsAsListMap(status.getProperties().get("conditions"));
    }
  }

  private static List<CustomResourceColumnDefinition> inDeclaredOrder(List<CustomResourceColumnDefinition> columns) {
    List<String> declared = Arrays.stream(StreamPipeline.class.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name).toList();
    if (columns.size() != declared.size()) {
      throw new IllegalStateException("generated printer columns " + columns + " differ from the declared " + declared);
    }
    return columns.stream()
        .sorted((a, b) -> Integer.compare(declared.indexOf(a.getName()), declared.indexOf(b.getName())))
        .toList();
  }

  private static void listMap(JSONSchemaProps list, String key) {
    list.setXKubernetesListType("map");
    list.setXKubernetesListMapKeys(List.of(key));
  }

  private static void conditionsAsListMap(JSONSchemaProps conditions) {
    listMap(conditions, "type");
    JSONSchemaProps condition = conditions.getItems().getSchema();
    condition.setDescription("One aspect of the pipeline's state, as Kubernetes conventions define conditions.");
    // A list-map key must be required; status has no meaning without its type either.
    condition.setRequired(List.of("type", "status"));
    CONDITION_FIELDS.forEach((field, text) -> condition.getProperties().get(field).setDescription(text));
  }

  private static String description(Class<?> type) {
    JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
    if (description == null) {
      throw new IllegalStateException(type.getName() + " needs a @JsonClassDescription: it documents the CRD");
    }
    return description.value();
  }
}
