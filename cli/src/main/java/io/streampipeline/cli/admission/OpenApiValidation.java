package io.streampipeline.cli.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.re2j.Pattern;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The CRD's {@code openAPIV3Schema} checked by a JSON-schema validator (networknt, draft 4, which the OpenAPI v3
 * schema subset of Kubernetes follows), its findings worded as the API server words them
 * (apiextensions-apiserver's {@code kubeOpenAPIResultToFieldErrors} over kube-openapi's messages).
 * Patterns are RE2, as in Go: Java's {@code $} would also match before a final line break.
 */
final class OpenApiValidation {

  private final JsonNode schema;
  private final JsonSchema validator;

  OpenApiValidation(JsonNode openApiV3Schema) {
    this.schema = openApiV3Schema;
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
        .pathType(PathType.JSON_POINTER)
        .regularExpressionFactory(regex -> {
          Pattern pattern = Pattern.compile(regex);
          return value -> pattern.matcher(value).find();
        })
        // Go decodes 2.0 as an integer when the schema says integer; so does the API server's type check.
        .losslessNarrowing(true)
        .build();
    this.validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
        .getSchema(withoutKubernetesExtensions(openApiV3Schema.deepCopy()), config);
  }

  List<FieldError> validate(JsonNode object) {
    List<FieldError> errors = new ArrayList<>();
    for (ValidationMessage message : validator.validate(object)) {
      errors.add(toFieldError(message));
    }
    return errors;
  }

  private FieldError toFieldError(ValidationMessage message) {
    String path = path(message.getInstanceLocation());
    JsonNode value = message.getInstanceNode();
    JsonNode at = schemaAt(message.getInstanceLocation());
    String body = path + " in body";
    return switch (message.getType()) {
      case "required" -> FieldError.of(path.isEmpty() ? message.getProperty() : path + "." + message.getProperty(),
          FieldError.Type.REQUIRED, FieldError.OMITTED, "");
      case "type" -> FieldError.of(path, FieldError.Type.TYPE_INVALID, jsonType(value),
          body + " must be of type " + StructuralSchema.type(at) + ": " + FieldError.goQuote(jsonType(value)));
      case "enum" -> FieldError.of(path, FieldError.Type.NOT_SUPPORTED, value, "supported values: "
          + StreamSupport.stream(at.get("enum").spliterator(), false)
              .map(v -> FieldError.goQuote(v.isTextual() ? v.textValue() : v.toString()))
              .collect(Collectors.joining(", ")));
      case "maxLength" -> FieldError.of(path, FieldError.Type.TOO_LONG, FieldError.OMITTED,
          "may not be more than " + plural(at.get("maxLength").asLong(), "byte"));
      case "maxItems" -> FieldError.of(path, FieldError.Type.TOO_MANY, (long) value.size(),
          "must have at most " + plural(at.get("maxItems").asLong(), "item"));
      case "minLength" -> FieldError.of(path, FieldError.Type.INVALID, value,
          body + " should be at least " + at.get("minLength").asLong() + " chars long");
      case "minItems" -> FieldError.of(path, FieldError.Type.INVALID, (long) value.size(),
          body + " should have at least " + at.get("minItems").asLong() + " items");
      case "pattern" -> FieldError.of(path, FieldError.Type.INVALID, value,
          body + " should match '" + at.get("pattern").asText() + "'");
      case "minimum" -> FieldError.of(path, FieldError.Type.INVALID, value, body + " should be greater than "
          + (at.path("exclusiveMinimum").asBoolean() ? "" : "or equal to ") + FieldError.goFloat(at.get("minimum").asDouble()));
      case "maximum" -> FieldError.of(path, FieldError.Type.INVALID, value, body + " should be less than "
          + (at.path("exclusiveMaximum").asBoolean() ? "" : "or equal to ") + FieldError.goFloat(at.get("maximum").asDouble()));
      // A keyword our CRD does not use yet: the validator's own words, at the right field.
      default -> FieldError.of(path, FieldError.Type.INVALID, value, body + " " + message.getMessage());
    };
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }

  /** kube-openapi's type names for a JSON value. */
  private static String jsonType(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    return value.isIntegralNumber() ? "integer" : value.isNumber() ? "number" : value.isTextual() ? "string"
        : value.isBoolean() ? "boolean" : value.isArray() ? "array" : "object";
  }

  /** The schema of the value at {@code location}. */
  private JsonNode schemaAt(JsonNodePath location) {
    JsonNode at = schema;
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      at = element instanceof Integer ? at.get("items") : StructuralSchema.child(at, (String) element);
    }
    return at;
  }

  /** {@code spec.sources[0].topic}, as the API server names a field. */
  static String path(JsonNodePath location) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".").append(element);
      }
    }
    return path.toString();
  }

  /** The schema without {@code x-kubernetes-*} keywords, which a JSON-schema validator does not know. */
  private static JsonNode withoutKubernetesExtensions(JsonNode node) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().startsWith("x-kubernetes-")) {
          it.remove();
        } else {
          withoutKubernetesExtensions(field.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(OpenApiValidation::withoutKubernetesExtensions);
    }
    return node;
  }
}
