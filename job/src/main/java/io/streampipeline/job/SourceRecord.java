package io.streampipeline.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One Kafka record exactly as read, before decoding: what a dead letter carries. A Flink POJO (public fields,
 * headers as two parallel arrays) so that it is serialized without Kryo.
 */
public class SourceRecord {

  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] key;
  public byte[] value;
  public String[] headerKeys;
  public byte[][] headerValues;

  public SourceRecord() {}

  static SourceRecord of(ConsumerRecord<byte[], byte[]> record) {
    SourceRecord r = new SourceRecord();
    r.topic = record.topic();
    r.partition = record.partition();
    r.offset = record.offset();
    r.timestamp = record.timestamp();
    r.key = record.key();
    r.value = record.value();
    List<Header> headers = new ArrayList<>();
    record.headers().forEach(headers::add);
    r.headerKeys = new String[headers.size()];
    r.headerValues = new byte[headers.size()][];
    for (int i = 0; i < headers.size(); i++) {
      r.headerKeys[i] = headers.get(i).key();
      r.headerValues[i] = headers.get(i).value();
    }
    return r;
  }

  /** {@code topic/partition@offset}, how logs and errors name a record. */
  public String position() {
    return topic + "/" + partition + "@" + offset;
  }
}
