package io.streampipeline.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a dead letter as the original key, value and headers, plus headers saying where the record came
 * from and why it could not be read.
 */
final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

  public static final String SOURCE_TOPIC_HEADER = "streampipeline.source.topic";
  public static final String SOURCE_PARTITION_HEADER = "streampipeline.source.partition";
  public static final String SOURCE_OFFSET_HEADER = "streampipeline.source.offset";
  public static final String ERROR_HEADER = "streampipeline.error";

  private static final long serialVersionUID = 1L;

  private final String topic;

  DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    SourceRecord record = letter.record;
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < record.headerKeys.length; i++) {
      headers.add(record.headerKeys[i], record.headerValues[i]);
    }
    headers.add(SOURCE_TOPIC_HEADER, utf8(record.topic));
    headers.add(SOURCE_PARTITION_HEADER, utf8(Integer.toString(record.partition)));
    headers.add(SOURCE_OFFSET_HEADER, utf8(Long.toString(record.offset)));
    headers.add(ERROR_HEADER, utf8(letter.error));
    return new ProducerRecord<>(topic, null, null, record.key, record.value, headers);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
