package io.streampipeline.job;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.TimestampType;

/**
 * Reads the JSON value at the parser's current token as the Java value Flink expects for the column's SQL
 * type. A JSON value of another type is an error, not a conversion: {@code "12"} is not a BIGINT. Timestamps
 * are ISO-8601 strings (a zone offset, if present, is converted to UTC for TIMESTAMP) or epoch milliseconds.
 * Reads straight from the parser, without a tree: decoding is the job's hottest path.
 */
@FunctionalInterface
interface ColumnReader extends Serializable {

  /** The longest part of a value an error message quotes. */
  int DESCRIBED_CHARS = 64;

  /** @throws IllegalArgumentException naming what was expected */
  Object read(JsonParser json) throws IOException;

  static ColumnReader of(LogicalType type) {
    switch (type.getTypeRoot()) {
      case CHAR:
      case VARCHAR:
        return json -> require(json, json.currentToken() == JsonToken.VALUE_STRING, "a string").getText();
      case BOOLEAN:
        return json -> require(json, json.currentToken().isBoolean(), "a boolean").getBooleanValue();
      case INTEGER:
        return json -> {
          long value = require(json, integral(json), "an INT").getLongValue();
          require(json, value == (int) value, "an INT");
          return (int) value;
        };
      case BIGINT:
        return json -> require(json, integral(json), "a BIGINT").getLongValue();
      case FLOAT:
        return json -> {
          float value = require(json, json.currentToken().isNumeric(), "a number").getFloatValue();
          // Jackson turns a number beyond the type's range into an infinity rather than failing.
          require(json, Float.isFinite(value), "a FLOAT (within +-3.4e38)");
          return value;
        };
      case DOUBLE:
        return json -> {
          double value = require(json, json.currentToken().isNumeric(), "a number").getDoubleValue();
          require(json, Double.isFinite(value), "a DOUBLE (within +-1.8e308)");
          return value;
        };
      case DECIMAL:
        return decimal((DecimalType) type);
      case DATE:
        return json -> parse(json, "an ISO-8601 date", () -> LocalDate.parse(json.getText()));
      case TIMESTAMP_WITHOUT_TIME_ZONE:
        return timestamp(((TimestampType) type).getPrecision());
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
        return instant(((LocalZonedTimestampType) type).getPrecision());
      default:
        throw new IllegalArgumentException("unsupported column type " + type);
    }
  }

  private static boolean integral(JsonParser json) throws IOException {
    return json.currentToken() == JsonToken.VALUE_NUMBER_INT && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
  }

  private static ColumnReader decimal(DecimalType type) {
    int precision = type.getPrecision();
    int scale = type.getScale();
    String expected = "a DECIMAL(" + precision + "," + scale + ")";
    return json -> {
      BigDecimal value = require(json, json.currentToken().isNumeric(), expected).getDecimalValue()
          .setScale(scale, RoundingMode.HALF_UP);
      if (value.precision() > precision) {
        throw new IllegalArgumentException("expected " + expected + ", got " + json.getText() + " (too many digits)");
      }
      return value;
    };
  }

  private static ColumnReader timestamp(int precision) {
    return json -> {
      if (integral(json)) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(json.getLongValue()), ZoneOffset.UTC);
      }
      LocalDateTime value = parse(json, "an ISO-8601 timestamp or epoch milliseconds", () -> {
        String text = json.getText().replace(' ', 'T');
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
    return json -> {
      if (integral(json)) {
        return Instant.ofEpochMilli(json.getLongValue());
      }
      Instant value = parse(json, "an ISO-8601 timestamp with offset or epoch milliseconds",
          () -> OffsetDateTime.parse(json.getText().replace(' ', 'T')).toInstant());
      return truncate(value, precision);
    };
  }

  @SuppressWarnings("unchecked")
  private static <T extends Temporal> T truncate(T value, int precision) {
    if (precision >= 9) {
      return value;
    }
    long unit = (long) Math.pow(10, 9 - precision);
    return (T) value.minus(value.get(ChronoField.NANO_OF_SECOND) % unit, ChronoUnit.NANOS);
  }

  private static JsonParser require(JsonParser json, boolean matches, String expected) throws IOException {
    if (!matches) {
      throw new IllegalArgumentException("expected " + expected + ", got " + describe(json));
    }
    return json;
  }

  /** The value at the parser, for an error message: at most {@value #DESCRIBED_CHARS} characters of it. */
  private static String describe(JsonParser json) throws IOException {
    switch (json.currentToken()) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return '"' + shorten(json.getText()) + '"';
      default:
        return shorten(json.getText());
    }
  }

  /** An error message names a value, it does not copy it: the dead letter already carries the whole record. */
  private static String shorten(String text) {
    return text.length() <= DESCRIBED_CHARS ? text : text.substring(0, DESCRIBED_CHARS) + "... ("
        + text.length() + " characters)";
  }

  /** Parses a JSON string with {@code parser}. */
  private static <T> T parse(JsonParser json, String expected, TextParser<T> parser) throws IOException {
    require(json, json.currentToken() == JsonToken.VALUE_STRING, expected);
    try {
      return parser.parse();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected " + expected + ", got " + describe(json));
    }
  }

  /** A parse of the current JSON string. */
  @FunctionalInterface
  interface TextParser<T> {
    T parse() throws IOException;
  }
}
