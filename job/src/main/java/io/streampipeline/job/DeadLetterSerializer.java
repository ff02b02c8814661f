package io.streampipeline.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Writes a dead letter as the original key, value and headers, plus headers saying where the record came
 * from and why it could not be read. A dead letter that would not fit in the dead-letter topic
 * ({@link KafkaSinks#MAX_RECORD_BYTES}: the source record was at its topic's limit, and the headers added make it
 * larger) leaves out the value, and if that is not enough the key and original headers too, saying so in
 * {@value #OMITTED_HEADER}: the position headers still find the record in its source topic.
 */
final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

  public static final String SOURCE_TOPIC_HEADER = "streampipeline.source.topic";
  public static final String SOURCE_PARTITION_HEADER = "streampipeline.source.partition";
  public static final String SOURCE_OFFSET_HEADER = "streampipeline.source.offset";
  public static final String ERROR_HEADER = "streampipeline.error";
  /** What a dead letter too large for its topic leaves out, and the size of the original value. */
  public static final String OMITTED_HEADER = "streampipeline.omitted";

  private static final long serialVersionUID = 1L;

  private final String topic;

  DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    SourceRecord record = letter.record;
    ProducerRecord<byte[], byte[]> whole = letter(letter, record.key, record.value, true, null);
    if (fits(whole)) {
      return whole;
    }
    String size = record.value == null ? "0" : Integer.toString(record.value.length);
    ProducerRecord<byte[], byte[]> withoutValue = letter(letter, record.key, null, true,
        "value (" + size + " bytes)");
    if (fits(withoutValue)) {
      return withoutValue;
    }
    return letter(letter, null, null, false, "key, value (" + size + " bytes) and headers");
  }

  private ProducerRecord<byte[], byte[]> letter(DeadLetter letter, byte[] key, byte[] value, boolean sourceHeaders,
      String omitted) {
    SourceRecord record = letter.record;
    RecordHeaders headers = new RecordHeaders();
    if (sourceHeaders) {
      for (int i = 0; i < record.headerKeys.length; i++) {
        headers.add(record.headerKeys[i], record.headerValues[i]);
      }
    }
    headers.add(SOURCE_TOPIC_HEADER, utf8(record.topic));
    headers.add(SOURCE_PARTITION_HEADER, utf8(Integer.toString(record.partition)));
    headers.add(SOURCE_OFFSET_HEADER, utf8(Long.toString(record.offset)));
    headers.add(ERROR_HEADER, utf8(letter.error));
    if (omitted != null) {
      headers.add(OMITTED_HEADER, utf8(omitted));
    }
    return new ProducerRecord<>(topic, null, null, key, value, headers);
  }

  /** Whether the producer accepts the record: its own size check (KafkaProducer#doSend), uncompressed. */
  private static boolean fits(ProducerRecord<byte[], byte[]> record) {
    int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
        record.key(), record.value(), record.headers().toArray());
    return size <= KafkaSinks.MAX_RECORD_BYTES;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
