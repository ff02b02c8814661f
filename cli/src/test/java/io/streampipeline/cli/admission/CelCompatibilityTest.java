package io.streampipeline.cli.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build check of the CEL compatibility layer: every rule of the CRD this build generated uses only what
 * {@link CelCompatibility} supports. A new rule with another function fails here, naming it; extend the layer
 * (with the API server's semantics for it) rather than the rule.
 */
class CelCompatibilityTest {

  @Test
  void everyRuleOfTheGeneratedCrdUsesOnlySupportedFunctions() throws Exception {
    List<String> rules = new ArrayList<>();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(CustomResourceAdmission.GENERATED_CRD)) {
      collectRules(new ObjectMapper(new YAMLFactory()).readTree(in), rules);
    }

    assertThat(rules).as("rules of the generated CRD").isNotEmpty();
    assertThat(rules).allSatisfy(rule -> assertThat(CelCompatibility.unsupportedFunctions(rule))
        .as("functions of %s outside CelCompatibility.SUPPORTED", rule).isEmpty());
    // And the validator compiles them all (a rule it could not evaluate would throw).
    CustomResourceAdmission.streamPipeline();
  }

  @Test
  void aRuleWithAnotherFunctionOrMacroIsFound() {
    assertThat(CelCompatibility.unsupportedFunctions("self.name.matches('^a') && self.items.map(i, i.x).isSorted()"))
        .containsExactly("isSorted", "map", "matches");
    assertThat(CelCompatibility.unsupportedFunctions("self.a + 1 > 2")).containsExactly("_+_");
  }

  @Test
  void macrosAreNamedAsWritten() {
    assertThat(CelCompatibility.unsupportedFunctions(
        "has(self.a) && self.l.all(x, x > 0) && self.l.exists(x, x == 1) && self.l.filter(x, x != 2).size() >= 0"))
        .isEmpty();
    assertThat(CelCompatibility.unsupportedFunctions("self.l.exists_one(x, x == 1)")).containsExactly("exists_one");
  }

  @Test
  void theValidatorRefusesACrdWithARuleItCannotEvaluate() throws Exception {
    JsonNode schema = new ObjectMapper().readTree("""
        {"type": "object", "properties": {"spec": {"type": "object",
          "x-kubernetes-validations": [{"rule": "self.name.matches('^a')", "message": "m"}],
          "properties": {"name": {"type": "string"}}}}}""");

    assertThatThrownBy(() -> new CelRules(schema)).isInstanceOf(UnsupportedRuleException.class)
        .hasMessageContaining("spec: self.name.matches('^a')").hasMessageContaining("uses matches");
  }

  private static void collectRules(JsonNode node, List<String> rules) {
    if (node.isObject()) {
      node.path("x-kubernetes-validations").forEach(v -> rules.add(v.path("rule").asText()));
      node.forEach(child -> collectRules(child, rules));
    } else if (node.isArray()) {
      node.forEach(child -> collectRules(child, rules));
    }
  }
}
