package io.streampipeline.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import io.streampipeline.model.Format;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes source records into rows of the source's table. A record that cannot be read goes to
 * {@link #DEAD_LETTERS} and is counted in the {@value #DEAD_LETTERED_METRIC} metric; when the pipeline has no
 * dead-letter topic it fails the job instead, so that no record is dropped silently.
 */
final class RecordDecoder extends ProcessFunction<SourceRecord, Row> {

  /** Counter of records sent to the dead-letter topic, per decoding subtask. */
  public static final String DEAD_LETTERED_METRIC = "deadLetteredRecords";

  static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private static final long serialVersionUID = 1L;

  private final SourceSchema schema;
  private final boolean deadLetterTopic;
  private transient JsonFactory factory;
  private transient Map<String, Integer> columns;
  private transient ColumnReader[] readers;
  private transient Counter deadLettered;

  RecordDecoder(SourceSchema schema, boolean deadLetterTopic) {
    this.schema = schema;
    this.deadLetterTopic = deadLetterTopic;
  }

  @Override
  public void open(OpenContext context) {
    factory = new JsonFactory();
    columns = new HashMap<>();
    for (int i = 0; i < schema.names().size(); i++) {
      columns.put(schema.names().get(i), i);
    }
    readers = schema.types().stream().map(ColumnReader::of).toArray(ColumnReader[]::new);
    deadLettered = getRuntimeContext().getMetricGroup().counter(DEAD_LETTERED_METRIC);
  }

  @Override
  public void processElement(SourceRecord record, Context context, Collector<Row> out) {
    Row row;
    try {
      row = schema.format() == Format.RAW ? raw(record) : json(record);
    } catch (UnreadableRecordException e) {
      if (!deadLetterTopic) {
        throw new IllegalStateException("cannot read record " + record.position() + " of source '"
            + schema.name() + "': " + e.getMessage()
            + "; the pipeline has no dead-letter topic, so the job stops rather than drop it", e);
      }
      deadLettered.inc();
      context.output(DEAD_LETTERS, new DeadLetter(record, e.getMessage()));
      return;
    }
    out.collect(row);
  }

  private Row raw(SourceRecord record) {
    if (record.value == null) {
      throw new UnreadableRecordException("the record has no value");
    }
    try {
      String line = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(record.value))
          .toString();
      return Row.of(line);
    } catch (CharacterCodingException e) {
      throw new UnreadableRecordException("the value is not UTF-8 text");
    }
  }

  private Row json(SourceRecord record) {
    if (record.value == null) {
      throw new UnreadableRecordException("the record has no value");
    }
    Row row = new Row(readers.length);
    try (JsonParser json = factory.createParser(record.value)) {
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
