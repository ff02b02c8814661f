package io.streampipeline.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.streampipeline.model.Format;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Kafka records into rows of the source's table, or into dead letters saying why a record cannot be
 * read. It runs inside the Kafka source's deserializer, so that the source's per-partition watermarks can be
 * computed from the rows' event time. A row's event-time column is never null: a record without readable event
 * time is a dead letter, since it cannot be placed in any window. Only dead letters keep the record's bytes.
 *
 * <p>An upsert source's records are changes of its table: the record key, a JSON object of the key columns (as
 * a sink with key columns writes it), names the row; a value is the row's new content ({@code UPDATE_AFTER},
 * the key columns taken from the key, as Flink's upsert-kafka does); a tombstone (null value) deletes it
 * ({@code DELETE}, only the key columns set, and the event-time column to the record timestamp: a tombstone has
 * no value). A record whose key is missing or unreadable is a dead letter. {@link UpsertChangelog} makes the
 * table's changelog of these rows.
 */
final class RecordDecoder implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The deepest JSON nesting read (Jackson's default, set here so that it is the job's documented limit). */
  static final int MAX_NESTING_DEPTH = 1000;

  private final SourceSchema schema;
  private transient JsonFactory factory;
  private transient Map<String, Integer> columns;
  private transient ColumnReader[] readers;

  RecordDecoder(SourceSchema schema) {
    this.schema = schema;
  }

  void open() {
    factory = JsonFactory.builder()
        // A key given twice is ambiguous (JSON leaves it open; parsers differ on which wins): a dead letter.
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        // Deeper nesting is a dead letter: no column type needs it, and it bounds the parser's memory per record.
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
        .build();
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
      if (schema.upsert()) {
        return Either.Left(upsert(record));
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

  private Row upsert(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null) {
      throw new UnreadableRecordException("the record has no key; this upsert source's key is a JSON object of "
          + Arrays.stream(schema.keyColumns()).mapToObj(schema.names()::get).toList());
    }
    Row key = object(record.key(), "key");
    boolean tombstone = record.value() == null;
    Row row = tombstone ? new Row(RowKind.DELETE, readers.length) : object(record.value(), "value");
    for (int column : schema.keyColumns()) {
      if (key.getField(column) == null) {
        throw new UnreadableRecordException("key column '" + schema.names().get(column)
            + "' is missing or null in the record key");
      }
      row.setField(column, key.getField(column));
    }
    if (!tombstone) {
      row.setKind(RowKind.UPDATE_AFTER);
      return requireComplete(row);
    }
    if (schema.eventTimeIndex() >= 0) {
      // A tombstone has no value: the time it deletes its key at is its record timestamp.
      if (record.timestamp() < 0) {
        throw new UnreadableRecordException("the tombstone has no record timestamp, which is its event time");
      }
      row.setField(schema.eventTimeIndex(), schema.eventTimeValue(record.timestamp()));
    }
    return row;
  }

  private Row json(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new UnreadableRecordException("the record has no value");
    }
    return requireComplete(object(record.value(), "value"));
  }

  /** The row, if it has its event time and every required column. */
  private Row requireComplete(Row row) {
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

  /** The columns of a JSON object ({@code what}: the record's value or key); absent fields are null. */
  private Row object(byte[] bytes, String what) {
    Row row = new Row(readers.length);
    try (JsonParser json = factory.createParser(bytes)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new UnreadableRecordException("the " + what + " is not a JSON object");
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
      throw new UnreadableRecordException("the " + what + " is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UnreadableRecordException("the " + what + " is not JSON: " + e.getMessage());
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

  /** The deepest JSON nesting read (Jackson's default, set here so that it is the job's documented limit). */
  static final int MAX_NESTING_DEPTH = 1000;

    UnreadableRecordException(String message) {
      super(message, null, false, false);
    }
  }
}
