package io.streampipeline.job;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Row;

/**
 * Writes the Java values of Flink SQL results as JSON: numbers as JSON numbers, booleans as booleans,
 * timestamps and dates as ISO-8601 strings ({@code TIMESTAMP_LTZ} in UTC with a {@code Z}), bytes as base64,
 * rows as objects, arrays and multisets as arrays, maps as objects.
 */
final class JsonValueWriter {

  private JsonValueWriter() {}

  static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double d) {
      json.writeNumber(d);
    } else if (value instanceof Float f) {
      json.writeNumber(f);
    } else if (value instanceof BigDecimal d) {
      json.writeNumber(d);
    } else if (value instanceof BigInteger i) {
      json.writeNumber(i);
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof LocalDateTime t) {
      json.writeString(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
    } else if (value instanceof Instant t) {
      json.writeString(DateTimeFormatter.ISO_INSTANT.format(t));
    } else if (value instanceof byte[] bytes) {
      json.writeBinary(bytes);
    } else if (value instanceof Row row) {
      writeRow(json, row);
    } else if (value instanceof Object[] array) {
      json.writeStartArray();
      for (Object element : array) {
        write(json, element);
      }
      json.writeEndArray();
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object element : list) {
        write(json, element);
      }
      json.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        json.writeFieldName(String.valueOf(entry.getKey()));
        write(json, entry.getValue());
      }
      json.writeEndObject();
    } else {
      // LocalDate, LocalTime, Duration, Period: their toString is ISO-8601.
      json.writeString(value.toString());
    }
  }

  private static void writeRow(JsonGenerator json, Row row) throws IOException {
    json.writeStartObject();
    var names = row.getFieldNames(true);
    if (names != null) {
      for (String name : names) {
        json.writeFieldName(name);
        write(json, row.getField(name));
      }
    } else {
      for (int i = 0; i < row.getArity(); i++) {
        json.writeFieldName("f" + i);
        write(json, row.getField(i));
      }
    }
    json.writeEndObject();
  }
}
