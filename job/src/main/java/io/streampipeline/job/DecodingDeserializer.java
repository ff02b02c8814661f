package io.streampipeline.job;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes each Kafka record inside the source into a row or a dead letter, never failing: the source's
 * watermark strategy then sees rows with their event time per partition, and the dead letters are split off
 * right after the source ({@link DeadLetterSplit}).
 */
final class DecodingDeserializer implements KafkaRecordDeserializationSchema<Either<Row, DeadLetter>> {

  private static final long serialVersionUID = 1L;

  private final SourceSchema schema;
  private final RecordDecoder decoder;

  DecodingDeserializer(SourceSchema schema) {
    this.schema = schema;
    this.decoder = new RecordDecoder(schema);
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    decoder.open();
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<Row, DeadLetter>> out) {
    out.collect(decoder.decode(record));
  }

  @Override
  public TypeInformation<Either<Row, DeadLetter>> getProducedType() {
    return typeOf(schema);
  }

  static TypeInformation<Either<Row, DeadLetter>> typeOf(SourceSchema schema) {
    return new EitherTypeInfo<>(ExternalTypeInfo.of(schema.rowType()), TypeInformation.of(DeadLetter.class));
  }
}
