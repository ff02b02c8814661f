package io.streampipeline.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.TimestampType;

/**
 * Reads one JSON field as the Java value Flink expects for the column's SQL type. A JSON value of another
 * type is an error, not a conversion: {@code "12"} is not a BIGINT. Timestamps are ISO-8601 strings (a zone
 * offset, if present, is converted to UTC for TIMESTAMP) or epoch milliseconds.
 */
@FunctionalInterface
interface ColumnReader extends Serializable {

  /** @throws IllegalArgumentException naming what was expected */
  Object read(JsonNode node);

  static ColumnReader of(LogicalType type) {
    switch (type.getTypeRoot()) {
      case CHAR:
      case VARCHAR:
        return node -> require(node, node.isTextual(), "a string").textValue();
      case BOOLEAN:
        return node -> require(node, node.isBoolean(), "a boolean").booleanValue();
      case INTEGER:
        return node -> require(node, node.isIntegralNumber() && node.canConvertToInt(), "an INT").intValue();
      case BIGINT:
        return node -> require(node, node.isIntegralNumber() && node.canConvertToLong(), "a BIGINT").longValue();
      case FLOAT:
        return node -> require(node, node.isNumber(), "a number").floatValue();
      case DOUBLE:
        return node -> require(node, node.isNumber(), "a number").doubleValue();
      case DECIMAL:
        return decimal((DecimalType) type);
      case DATE:
        return node -> parse(node, "an ISO-8601 date", () -> LocalDate.parse(node.textValue()));
      case TIMESTAMP_WITHOUT_TIME_ZONE:
        return timestamp(((TimestampType) type).getPrecision());
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
        return instant(((LocalZonedTimestampType) type).getPrecision());
      default:
        throw new IllegalArgumentException("unsupported column type " + type);
    }
  }

  private static ColumnReader decimal(DecimalType type) {
    int precision = type.getPrecision();
    int scale = type.getScale();
    String expected = "a DECIMAL(" + precision + "," + scale + ")";
    return node -> {
      BigDecimal value = require(node, node.isNumber(), expected).decimalValue().setScale(scale, RoundingMode.HALF_UP);
      if (value.precision() > precision) {
        throw new IllegalArgumentException("expected " + expected + ", got " + node + " (too many digits)");
      }
      return value;
    };
  }

  private static ColumnReader timestamp(int precision) {
    return node -> {
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(node.longValue()), ZoneOffset.UTC);
      }
      LocalDateTime value = parse(node, "an ISO-8601 timestamp or epoch milliseconds", () -> {
        String text = node.textValue().replace(' ', 'T');
        try {
          return LocalDateTime.parse(text);
        } catch (DateTimeParseException noOffset) {
          return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
      });
      return truncate(value, precision);
    };
  }

  private static ColumnReader instant(int precision) {
    return node -> {
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return Instant.ofEpochMilli(node.longValue());
      }
      Instant value = parse(node, "an ISO-8601 timestamp with offset or epoch milliseconds",
          () -> OffsetDateTime.parse(node.textValue().replace(' ', 'T')).toInstant());
      return truncate(value, precision);
    };
  }

  @SuppressWarnings("unchecked")
  private static <T extends java.time.temporal.Temporal> T truncate(T value, int precision) {
    if (precision >= 9) {
      return value;
    }
    long nanosUnit = (long) Math.pow(10, 9 - precision);
    long nanos = value.get(java.time.temporal.ChronoField.NANO_OF_SECOND);
    return (T) value.minus(nanos % nanosUnit, ChronoUnit.NANOS);
  }

  private static JsonNode require(JsonNode node, boolean matches, String expected) {
    if (!matches) {
      throw new IllegalArgumentException("expected " + expected + ", got " + node);
    }
    return node;
  }

  private static <T> T parse(JsonNode node, String expected, java.util.function.Supplier<T> parser) {
    require(node, node.isTextual(), expected);
    try {
      return parser.get();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected " + expected + ", got " + node);
    }
  }
}
