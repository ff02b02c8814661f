package io.streampipeline.cli.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CRD's {@code x-kubernetes-validations}, run where the API server runs them
 * (apiextensions-apiserver's {@code schema/cel.Validator}): each rule on every non-null value of its schema,
 * with {@code self} the value; a transition rule (one that reads {@code oldSelf}) only when there is an old
 * value to compare with, reached through object fields (list items are correlated only in
 * {@code x-kubernetes-list-type: map} lists, which {@link #CelRules} refuses). A false rule is an error at the
 * value's path plus the rule's {@code fieldPath}, of the type its {@code reason} names; a rule that fails to
 * evaluate is an {@code Invalid value} naming the rule.
 */
final class CelRules {

  private static final CelOptions OPTIONS = CelOptions.current()
      // cel-go, which the API server runs, compares int, uint and double with each other.
      .enableHeterogeneousNumericComparisons(true)
      .build();
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setOptions(OPTIONS)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private record Rule(String rule, String message, String fieldPath, String reason, boolean usesOldSelf,
      CelRuntime.Program program) {}

  /** The compiled rules of each schema node that has any. */
  private final Map<JsonNode, List<Rule>> rules = new IdentityHashMap<>();

  /**
   * Compiles every rule of {@code openApiV3Schema}.
   *
   * @throws UnsupportedRuleException if a rule needs more than {@link CelCompatibility} gives
   */
  CelRules(JsonNode openApiV3Schema) {
    collect(openApiV3Schema, "", false);
  }

  private void collect(JsonNode schema, String path, boolean inListItem) {
    JsonNode validations = schema.get("x-kubernetes-validations");
    if (validations != null) {
      List<Rule> compiled = new ArrayList<>();
      for (JsonNode validation : validations) {
        compiled.add(compile(validation, path, inListItem));
      }
      rules.put(schema, compiled);
    }
    JsonNode properties = schema.get("properties");
    if (properties != null) {
      properties.fields().forEachRemaining(p -> collect(p.getValue(), path + "." + p.getKey(), inListItem));
    }
    JsonNode additional = schema.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      collect(additional, path + "[*]", inListItem);
    }
    JsonNode items = schema.get("items");
    if (items != null) {
      collect(items, path + "[*]", true);
    }
  }

  private static Rule compile(JsonNode validation, String path, boolean inListItem) {
    String rule = validation.path("rule").asText();
    String where = (path.isEmpty() ? "<root>" : path.substring(1)) + ": " + rule;
    Set<String> unsupported = CelCompatibility.unsupportedFunctions(rule);
    if (!unsupported.isEmpty()) {
      throw new UnsupportedRuleException("CEL rule at " + where + " uses " + String.join(", ", unsupported)
          + ", which validate cannot evaluate as the API server does (see CelCompatibility)");
    }
    if (validation.has("messageExpression") || validation.path("optionalOldSelf").asBoolean(false)) {
      throw new UnsupportedRuleException("CEL rule at " + where
          + " uses messageExpression or optionalOldSelf, which validate does not evaluate yet");
    }
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
      boolean usesOldSelf = CelNavigableAst.fromAst(ast).getRoot().allNodes()
          .anyMatch(n -> n.getKind() == CelExpr.ExprKind.Kind.IDENT && n.expr().ident().name().equals("oldSelf"));
      if (usesOldSelf && inListItem) {
        throw new UnsupportedRuleException("CEL rule at " + where
            + " compares list items with oldSelf, which needs list-map correlation validate does not do");
      }
      return new Rule(rule, validation.path("message").asText(""), validation.path("fieldPath").asText(""),
          validation.path("reason").asText(""), usesOldSelf, RUNTIME.createProgram(ast));
    } catch (CelValidationException | CelEvaluationException e) {
      throw new UnsupportedRuleException("CEL rule at " + where + " does not compile: " + e.getMessage());
    }
  }

  /** The errors of {@code object} (and of the change from {@code old}, when given), both already defaulted. */
  List<FieldError> validate(JsonNode schema, JsonNode object, JsonNode old) {
    List<FieldError> errors = new ArrayList<>();
    validate(schema, object, old, "", errors);
    return errors;
  }

  private void validate(JsonNode schema, JsonNode value, JsonNode old, String path, List<FieldError> errors) {
    if (schema == null || value == null || value.isNull()) {
      return;
    }
    for (Rule rule : rules.getOrDefault(schema, List.of())) {
      if (rule.usesOldSelf() && (old == null || old.isNull())) {
        continue;
      }
      evaluate(rule, schema, value, old, path, errors);
    }
    if (value.isObject()) {
      value.fields().forEachRemaining(field -> {
        JsonNode oldField = old == null ? null : old.get(field.getKey());
        boolean declared = StructuralSchema.property(schema, field.getKey()) != null;
        validate(StructuralSchema.child(schema, field.getKey()), field.getValue(), oldField,
            declared ? child(path, field.getKey()) : path + "[" + field.getKey() + "]", errors);
      });
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        validate(schema.get("items"), value.get(i), null, path + "[" + i + "]", errors);
      }
    }
  }

  private static void evaluate(Rule rule, JsonNode schema, JsonNode value, JsonNode old, String path,
      List<FieldError> errors) {
    String type = StructuralSchema.type(schema);
    Map<String, Object> activation = new HashMap<>();
    activation.put("self", toCel(value));
    if (old != null && !old.isNull()) {
      activation.put("oldSelf", toCel(old));
    }
    Object result;
    try {
      result = rule.program().eval(activation);
    } catch (CelEvaluationException e) {
      errors.add(FieldError.of(path, FieldError.Type.INVALID, type, e.getMessage() + " evaluating rule: " + rule.rule()));
      return;
    }
    if (Boolean.TRUE.equals(result)) {
      return;
    }
    String field = rule.fieldPath().isEmpty() ? path : child(path, rule.fieldPath().substring(1));
    String message = rule.message().isBlank() ? "failed rule: " + rule.rule().strip() : rule.message().strip();
    errors.add(switch (rule.reason()) {
      case "FieldValueForbidden" -> FieldError.of(field, FieldError.Type.FORBIDDEN, FieldError.OMITTED, message);
      case "FieldValueRequired" -> FieldError.of(field, FieldError.Type.REQUIRED, FieldError.OMITTED, message);
      case "FieldValueDuplicate" -> FieldError.of(field, FieldError.Type.DUPLICATE, type, "");
      default -> FieldError.of(field, FieldError.Type.INVALID, type, message);
    });
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** The CEL value of a decoded JSON value: maps, lists, int64, double, string, bool, null. */
  static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> map.put(f.getKey(), toCel(f.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNull()) {
      return dev.cel.common.values.NullValue.NULL_VALUE;
    }
    return node.asText();
  }
}
