package io.streampipeline.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streampipeline.model.Format;
import io.streampipeline.plan.JobMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes result rows to the sink topic. The key, when the sink names key columns, is a JSON object of them;
 * the value is the row as a JSON object (json) or its single string column (raw). A DELETE becomes a
 * tombstone; UPDATE_BEFORE rows never reach here (see {@link PipelineJob}). Every record is counted in the sink's
 * {@value JobMetrics#RECORDS_OUT} metric (group {@code sink=<topic>}).
 */
final class ResultSerializer implements KafkaRecordSerializationSchema<Row> {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final Format format;
  private final String[] names;
  private final int[] keyColumns;
  private transient Counter recordsOut;
  private transient ByteArrayOutputStream buffer;
  /** One generator for all records: each record is one root-level value written into the reset buffer. */
  private transient JsonGenerator out;

  ResultSerializer(String topic, Format format, List<String> names, int[] keyColumns) {
    this.topic = topic;
    this.format = format;
    this.names = names.toArray(new String[0]);
    this.keyColumns = keyColumns.clone();
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    recordsOut = context.getMetricGroup().addGroup(JobMetrics.SINK_GROUP, topic).counter(JobMetrics.RECORDS_OUT);
    buffer = new ByteArrayOutputStream(256);
    try {
      out = new JsonFactory().createGenerator(buffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.setRootValueSeparator(null);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Row row, KafkaSinkContext context, Long timestamp) {
    byte[] key = keyColumns.length == 0 ? null : object(row, keyColumns);
    byte[] value = row.getKind() == RowKind.DELETE ? null : value(row);
    recordsOut.inc();
    return new ProducerRecord<>(topic, key, value);
  }

  private byte[] value(Row row) {
    if (format == Format.RAW) {
      Object line = row.getField(0);
      return line == null ? null : line.toString().getBytes(StandardCharsets.UTF_8);
    }
    return object(row, null);
  }

  /** The row's columns, or only {@code columns} when not null, as a JSON object. */
  private byte[] object(Row row, int[] columns) {
    buffer.reset();
    try {
      out.writeStartObject();
      int count = columns == null ? names.length : columns.length;
      for (int i = 0; i < count; i++) {
        int column = columns == null ? i : columns[i];
        out.writeFieldName(names[column]);
        JsonValueWriter.write(out, row.getField(column));
      }
      out.writeEndObject();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write row as JSON", e);
    }
    return buffer.toByteArray();
  }
}
