package io.streampipeline.cli.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The API server's check of {@code x-kubernetes-list-type: map} lists (apiextensions-apiserver's
 * {@code listtype} validation): two items with the same values of the {@code x-kubernetes-list-map-keys} are a
 * {@code Duplicate value} at the second item, the value being the item's keys ({@code {"name":"counts"}}).
 */
final class ListMapKeys {

  private ListMapKeys() {}

  static List<FieldError> duplicates(JsonNode schema, JsonNode value) {
    List<FieldError> errors = new ArrayList<>();
    check(schema, value, "", errors);
    return errors;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<FieldError> errors) {
    if (schema == null || value == null) {
      return;
    }
    if (value.isObject()) {
      value.fields().forEachRemaining(field -> {
        boolean declared = StructuralSchema.property(schema, field.getKey()) != null;
        check(StructuralSchema.child(schema, field.getKey()), field.getValue(), declared
            ? (path.isEmpty() ? field.getKey() : path + "." + field.getKey()) : path + "[" + field.getKey() + "]",
            errors);
      });
    } else if (value.isArray()) {
      boolean listMap = "map".equals(schema.path("x-kubernetes-list-type").asText());
      Set<JsonNode> seen = new HashSet<>();
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        if (listMap && item.isObject()) {
          ObjectNode keys = JsonNodeFactory.instance.objectNode();
          schema.path("x-kubernetes-list-map-keys").forEach(k -> keys.set(k.asText(), item.get(k.asText())));
          if (!seen.add(keys)) {
            errors.add(FieldError.of(path + "[" + i + "]", FieldError.Type.DUPLICATE, keys, ""));
          }
        }
        check(schema.get("items"), item, path + "[" + i + "]", errors);
      }
    }
  }
}
