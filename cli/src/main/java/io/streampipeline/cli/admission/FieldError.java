package io.streampipeline.cli.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.plan.Problem;
import java.math.BigDecimal;

/**
 * One error as the API server reports it (k8s.io/apimachinery's {@code field.Error}): the field path, the error
 * type and its wording ({@code Invalid value: 5000: ...}), so that {@code validate} says what {@code kubectl apply}
 * would say.
 */
record FieldError(String field, Type type, Object value, String detail) {

  /** The value is left out of the message, as the API server leaves it out for {@link Type#TOO_LONG}. */
  static final Object OMITTED = new Object();

  private static final ObjectMapper JSON = new ObjectMapper();

  enum Type {
    REQUIRED("Required value", true),
    INVALID("Invalid value", false),
    TYPE_INVALID("Invalid value", true),
    NOT_SUPPORTED("Unsupported value", true),
    TOO_LONG("Too long", true),
    TOO_MANY("Too many", true),
    FORBIDDEN("Forbidden", false),
    DUPLICATE("Duplicate value", false),
    /** A strict decoding error: the message is all of it. */
    UNKNOWN_FIELD(null, true);

    private final String label;
    /** The API server does not run the CEL rules when the schema found one of these (its hasBlockingErr). */
    private final boolean blocksCel;

    Type(String label, boolean blocksCel) {
      this.label = label;
      this.blocksCel = blocksCel;
    }

    boolean blocksCel() {
      return blocksCel;
    }
  }

  static FieldError of(String field, Type type, Object value, String detail) {
    return new FieldError(field, type, value, detail);
  }

  static FieldError unknownField(String field) {
    return new FieldError(field, Type.UNKNOWN_FIELD, OMITTED, "unknown field \"" + field + "\"");
  }

  /** The message without the field, worded as {@code field.Error.ErrorBody()}. */
  String body() {
    if (type.label == null) {
      return detail;
    }
    String body = type.label;
    if (type != Type.REQUIRED && type != Type.FORBIDDEN && type != Type.TOO_LONG && value != OMITTED) {
      body += ": " + goValue(value);
    }
    return detail == null || detail.isEmpty() ? body : body + ": " + detail;
  }

  Problem toProblem() {
    return new Problem(field, body());
  }

  /** A value as Go's {@code %v} (numbers, booleans), {@code %q} (strings) or JSON (anything else) prints it. */
  static String goValue(Object value) {
    if (value instanceof JsonNode node) {
      value = node.isTextual() ? node.textValue() : node.isIntegralNumber() ? (Object) node.longValue()
          : node.isNumber() ? (Object) node.doubleValue() : node.isBoolean() ? (Object) node.booleanValue() : node;
    }
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return goQuote(s);
    }
    if (value instanceof Double d) {
      return goFloat(d);
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return value.toString();
    }
  }

  /** Go's {@code %v} of a float64: the shortest form, no trailing zeros, exponent beyond 1e21. */
  static String goFloat(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      return Long.toString((long) d);
    }
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** Go's {@code %q}: double quotes, with quotes, backslashes and control characters escaped. */
  static String goQuote(String s) {
    StringBuilder quoted = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            quoted.append(String.format("\\x%02x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
