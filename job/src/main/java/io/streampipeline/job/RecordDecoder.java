package io.streampipeline.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.streampipeline.model.Format;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Kafka records into rows of the source's table, or into dead letters saying why a record cannot be
 * read. It runs inside the Kafka source's deserializer, so that the source's per-partition watermarks can be
 * computed from the rows' event time. A row's event-time column is never null: a record without readable event
 * time is a dead letter, since it cannot be placed in any window. Only dead letters keep the record's bytes.
 */
final class RecordDecoder implements Serializable {

  private static final long serialVersionUID = 1L;

  private final SourceSchema schema;
  private transient JsonFactory factory;
  private transient Map<String, Integer> columns;
  private transient ColumnReader[] readers;

  RecordDecoder(SourceSchema schema) {
    this.schema = schema;
  }

  void open() {
    factory = new JsonFactory();
    columns = new HashMap<>();
    for (int i = 0; i < schema.names().size(); i++) {
      columns.put(schema.names().get(i), i);
    }
    readers = schema.types().stream().map(ColumnReader::of).toArray(ColumnReader[]::new);
  }

  Either<Row, DeadLetter> decode(ConsumerRecord<byte[], byte[]> record) {
    try {
      if (schema.eventTimeFromRecord() && record.timestamp() < 0) {
        throw new UnreadableRecordException("the record has no timestamp, which is this source's event time");
      }
      return Either.Left(schema.format() == Format.RAW ? raw(record) : json(record));
    } catch (UnreadableRecordException e) {
      return Either.Right(new DeadLetter(SourceRecord.of(record), e.getMessage()));
    }
  }

  private Row raw(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new UnreadableRecordException("the record has no value");
    }
    try {
      String line = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(record.value()))
          .toString();
      return Row.of(line);
    } catch (CharacterCodingException e) {
      throw new UnreadableRecordException("the value is not UTF-8 text");
    }
  }

  private Row json(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new UnreadableRecordException("the record has no value");
    }
    Row row = new Row(readers.length);
    try (JsonParser json = factory.createParser(record.value())) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new UnreadableRecordException("the value is not a JSON object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        Integer column = columns.get(json.currentName());
        JsonToken value = json.nextToken();
        if (column == null) {
          json.skipChildren();
        } else if (value == JsonToken.VALUE_NULL) {
          row.setField(column, null);
        } else {
          row.setField(column, read(column, json));
        }
      }
    } catch (JsonProcessingException e) {
      throw new UnreadableRecordException("the value is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UnreadableRecordException("the value is not JSON: " + e.getMessage());
    }
    int eventTime = schema.eventTimeIndex();
    if (eventTime >= 0 && row.getField(eventTime) == null) {
      throw new UnreadableRecordException("event time '" + schema.names().get(eventTime) + "' is missing or null");
    }
    for (int i = 0; i < readers.length; i++) {
      if (schema.required(i) && row.getField(i) == null) {
        throw new UnreadableRecordException("required field '" + schema.names().get(i) + "' is missing");
      }
    }
    return row;
  }

  private Object read(int column, JsonParser json) throws IOException {
    try {
      return readers[column].read(json);
    } catch (IllegalArgumentException e) {
      throw new UnreadableRecordException("field '" + schema.names().get(column) + "': " + e.getMessage());
    }
  }

  /** Why a record could not be read; its message goes into the dead letter's error header. */
  static final class UnreadableRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnreadableRecordException(String message) {
      super(message, null, false, false);
    }
  }
}
