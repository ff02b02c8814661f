package io.streampipeline.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated CRD (after CrdConventions) follows kubectl's and kstatus' conventions: {@code kubectl explain}
 * documents every field, {@code kubectl get} shows the conventional columns in order, conditions merge by type.
 */
class CrdConventionsTest {

  private static CustomResourceDefinitionVersion version;
  private static CustomResourceDefinition crd;

  @BeforeAll
  static void readGeneratedCrd() throws IOException {
    crd = Serialization.unmarshal(
        Files.readString(Path.of("target/classes/META-INF/fabric8/streampipelines.streampipeline.io-v1.yml")),
        CustomResourceDefinition.class);
    version = crd.getSpec().getVersions().get(0);
  }

  @Test
  void everyFieldIsDocumentedForKubectlExplain() {
    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
    List<String> undocumented = new ArrayList<>();
    collectUndocumented("", root, undocumented);
    assertThat(undocumented)
        .as("fields without a description (add @JsonPropertyDescription, or @JsonClassDescription for spec/status)")
        .isEmpty();
    assertThat(root.getProperties()).containsKeys("spec", "status");
  }

  @Test
  void printerColumnsAreInTheConventionalOrderWithDescriptions() {
    assertThat(version.getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Phase", "Ready", "Topics", "Job", "Backlog", "Age", "Message");
    assertThat(version.getAdditionalPrinterColumns()).allSatisfy(c -> {
      assertThat(c.getDescription()).as("description of %s", c.getName()).isNotBlank();
      assertThat(c.getPriority()).as("priority of %s", c.getName()).isEqualTo(c.getName().equals("Message") ? 1 : 0);
    });
    assertThat(version.getAdditionalPrinterColumns()).filteredOn(c -> c.getName().equals("Age")).singleElement()
        .satisfies(c -> assertThat(c.getType()).isEqualTo("date"));
  }

  @Test
  void inTheStreampipelineCategory() {
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("streampipeline");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("sp");
  }

  @Test
  void conditionsAreAListMapKeyedByType() {
    JSONSchemaProps conditions = version.getSchema().getOpenAPIV3Schema().getProperties().get("status")
        .getProperties().get("conditions");
    assertThat(conditions.getXKubernetesListType()).isEqualTo("map");
    assertThat(conditions.getXKubernetesListMapKeys()).containsExactly("type");
    assertThat(conditions.getItems().getSchema().getRequired()).contains("type");
  }

  private static void collectUndocumented(String path, JSONSchemaProps schema, List<String> undocumented) {
    if (schema.getDescription() == null || schema.getDescription().isBlank()) {
      undocumented.add(path.isEmpty() ? "(the kind)" : path);
    }
    for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
      collectUndocumented(path + "." + property.getKey(), property.getValue(), undocumented);
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      // The items of a list are documented by the list's own description; their fields need their own.
      JSONSchemaProps item = schema.getItems().getSchema();
      item.getProperties().forEach((name, field) -> collectUndocumented(path + "[]." + name, field, undocumented));
    }
  }
}
