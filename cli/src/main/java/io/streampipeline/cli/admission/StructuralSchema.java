package io.streampipeline.cli.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the API server does to a custom resource while decoding it, before any validation
 * (apiextensions-apiserver's {@code pruning} and {@code defaulting} packages, with strict field validation):
 * a field the schema does not declare is an {@code unknown field} error; a {@code null} that is not
 * {@code nullable} is defaulted if the schema has a default and dropped otherwise; absent fields with a
 * default get it, and defaults are applied inside defaults too.
 */
final class StructuralSchema {

  /** The fields every object has at its root, outside the CRD's schema ({@code metadata} is checked apart). */
  private static final List<String> ROOT_FIELDS = List.of("apiVersion", "kind", "metadata");

  private StructuralSchema() {}

  /** Every undeclared field of {@code object}, by path ({@code spec.sources[0].partition}), as pruning finds them. */
  static List<FieldError> unknownFields(ObjectNode object, JsonNode schema) {
    List<FieldError> errors = new ArrayList<>();
    object.fields().forEachRemaining(field -> {
      if (!ROOT_FIELDS.contains(field.getKey())) {
        JsonNode child = child(schema, field.getKey());
        if (child == null) {
          errors.add(FieldError.unknownField(field.getKey()));
        } else {
          unknownFields(field.getValue(), child, field.getKey(), errors);
        }
      }
    });
    return errors;
  }

  /** apiextensions-apiserver's {@code prune}: no type checks, keys joined by '.', indexes in brackets. */
  private static void unknownFields(JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    if (schema != null && preservesUnknownFields(schema)) {
      value.fields().forEachRemaining(field -> {
        JsonNode child = child(schema, field.getKey());
        if (child != null) {
          unknownFields(field.getValue(), child, path + "." + field.getKey(), errors);
        }
      });
      return;
    }
    if (value.isObject()) {
      value.fields().forEachRemaining(field -> {
        JsonNode child = schema == null ? null : child(schema, field.getKey());
        if (child == null) {
          errors.add(FieldError.unknownField(path + "." + field.getKey()));
        } else {
          unknownFields(field.getValue(), child, path + "." + field.getKey(), errors);
        }
      });
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        unknownFields(value.get(i), schema == null ? null : schema.get("items"), path + "[" + i + "]", errors);
      }
    }
  }

  /**
   * Drops {@code null}s the schema neither allows nor defaults, then sets defaults, in place, as the API server's
   * decoder does ({@code PruneNonNullableNullsWithoutDefaults}, then {@code Default}).
   */
  static void pruneNullsAndDefault(JsonNode value, JsonNode schema) {
    pruneNulls(value, schema);
    setDefaults(value, schema);
  }

  private static void pruneNulls(JsonNode value, JsonNode schema) {
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode child = schema == null ? null : child(schema, field.getKey());
        if (field.getValue().isNull() && child != null && !nullable(child) && !child.has("default")) {
          it.remove();
        } else {
          pruneNulls(field.getValue(), child);
        }
      }
    } else if (value.isArray()) {
      value.forEach(item -> pruneNulls(item, schema == null ? null : schema.get("items")));
    }
  }

  private static void setDefaults(JsonNode value, JsonNode schema) {
    if (schema == null) {
      return;
    }
    if (value.isObject()) {
      ObjectNode object = (ObjectNode) value;
      JsonNode properties = schema.path("properties");
      properties.fields().forEachRemaining(property -> {
        JsonNode current = object.get(property.getKey());
        JsonNode defaultValue = property.getValue().get("default");
        if (defaultValue != null && (current == null || (current.isNull() && !nullable(property.getValue())))) {
          object.set(property.getKey(), defaultValue.deepCopy());
        }
      });
      object.fields().forEachRemaining(field -> {
        JsonNode child = child(schema, field.getKey());
        if (child != null && field.getValue().isNull() && !nullable(child) && child.has("default")) {
          field.setValue(child.get("default").deepCopy());
        }
        setDefaults(field.getValue(), child);
      });
    } else if (value.isArray()) {
      JsonNode items = schema.get("items");
      ArrayNode array = (ArrayNode) value;
      for (int i = 0; i < array.size(); i++) {
        if (items != null && array.get(i).isNull() && !nullable(items) && items.has("default")) {
          array.set(i, items.get("default").deepCopy());
        }
        setDefaults(array.get(i), items);
      }
    }
  }

  private static boolean nullable(JsonNode schema) {
    return schema.path("nullable").asBoolean(false);
  }

  /** The schema of an object's field: a declared property, else the schema of additional properties, else null. */
  static JsonNode child(JsonNode schema, String name) {
    JsonNode property = property(schema, name);
    JsonNode additional = schema.get("additionalProperties");
    return property != null ? property : additional != null && additional.isObject() ? additional : null;
  }

  static JsonNode property(JsonNode schema, String name) {
    JsonNode properties = schema == null ? null : schema.get("properties");
    return properties == null ? null : properties.get(name);
  }

  static String type(JsonNode schema) {
    return schema.path("type").asText("");
  }

  private static boolean preservesUnknownFields(JsonNode schema) {
    return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
  }
}
