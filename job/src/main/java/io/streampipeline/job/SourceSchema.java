package io.streampipeline.job;

import io.streampipeline.model.EventTimeSpec;
import io.streampipeline.model.Format;
import io.streampipeline.plan.ColumnPlan;
import io.streampipeline.plan.EventTimePlan;
import io.streampipeline.plan.SourcePlan;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;
import org.apache.flink.table.types.utils.TypeConversions;
import org.apache.flink.types.Row;

/**
 * The SQL view of one source: its columns with their Flink types and, for JSON, how to read each; and its
 * event time.
 *
 * <p>Event time is the rowtime attribute of the source's table, whose watermark is the one the Kafka source
 * generates per partition ({@code SOURCE_WATERMARK()}). It is either a column of the schema or, without
 * {@code eventTime.column}, the Kafka record timestamp in an added column
 * {@value EventTimeSpec#RECORD_TIMESTAMP_COLUMN} {@code TIMESTAMP_LTZ(3)}. Flink requires a rowtime of
 * millisecond precision at most, so a {@code TIMESTAMP(6)} (or plain {@code TIMESTAMP}) event-time column is
 * read as {@code TIMESTAMP(3)}.
 *
 * <p>A {@code TIMESTAMP} column has no time zone: like Flink SQL, its watermark treats the wall-clock value as
 * UTC, and windows are aligned on it as written. A {@code TIMESTAMP_LTZ} column is an instant: its watermark is
 * the instant's epoch milliseconds, and windows are aligned in the session time zone ({@code
 * table.local-time-zone}, UTC unless configured), which matters for windows of a day.
 *
 * <p>An upsert source's key columns are its table's primary key, and NOT NULL as a primary key must be.
 */
final class SourceSchema implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int ROWTIME_PRECISION = 3;
  /** The metadata key under which {@code fromDataStream} exposes a stream record's timestamp. */
  private static final String STREAM_RECORD_TIMESTAMP = "rowtime";

  private final String name;
  private final Format format;
  private final EventTimePlan eventTime;
  private final int eventTimeIndex;
  private final List<String> names = new ArrayList<>();
  private final List<LogicalType> types = new ArrayList<>();
  private final boolean[] required;
  /** The key columns' indexes of an upsert source; empty for an append source. */
  private final int[] keyColumns;

  SourceSchema(SourcePlan source) {
    this.name = source.name();
    this.format = source.format();
    this.eventTime = source.eventTime();
    String eventTimeColumn = eventTime == null ? null : eventTime.column();
    this.required = new boolean[source.columns().size()];
    List<String> key = source.upsert() ? source.upsertKey() : List.of();
    int index = -1;
    for (int i = 0; i < source.columns().size(); i++) {
      ColumnPlan column = source.columns().get(i);
      boolean isEventTime = column.name().equals(eventTimeColumn);
      LogicalType type = LogicalTypeParser.parse(column.type(), SourceSchema.class.getClassLoader());
      type = key.contains(column.name()) ? type.copy(false) : type;
      names.add(column.name());
      types.add(isEventTime ? rowtime(type) : type);
      required[i] = column.required();
      index = isEventTime ? i : index;
    }
    this.eventTimeIndex = index;
    this.keyColumns = key.stream().mapToInt(names::indexOf).toArray();
  }

  /** The source's name, which is also its table's. */
  String name() {
    return name;
  }

  List<String> names() {
    return names;
  }

  List<LogicalType> types() {
    return types;
  }

  boolean required(int column) {
    return required[column];
  }

  Format format() {
    return format;
  }

  /** Whether the source is read as an upsert changelog: the latest row per key, tombstones as deletes. */
  boolean upsert() {
    return keyColumns.length > 0;
  }

  /** The key columns' indexes in a row (empty for an append source). */
  int[] keyColumns() {
    return keyColumns.clone();
  }

  DataType rowType() {
    List<DataTypes.Field> fields = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      fields.add(DataTypes.FIELD(names.get(i), TypeConversions.fromLogicalToDataType(types.get(i))));
    }
    return DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
  }

  /** The source's event time, or null for processing time only. */
  EventTimePlan eventTime() {
    return eventTime;
  }

  /** The event-time column's index in a row, or -1 when there is none (no event time, or the record's). */
  int eventTimeIndex() {
    return eventTimeIndex;
  }

  /** Whether event time is the Kafka record timestamp. */
  boolean eventTimeFromRecord() {
    return eventTime != null && eventTime.column() == null;
  }

  /** The event time of a decoded row in epoch milliseconds (see the class comment for the time zone rules). */
  long eventTimeMillis(Row row, long recordTimestamp) {
    if (eventTimeIndex < 0) {
      return recordTimestamp;
    }
    Object value = row.getField(eventTimeIndex);
    return value instanceof Instant instant
        ? instant.toEpochMilli()
        : ((LocalDateTime) value).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** The value of the event-time column for {@code millis}, the inverse of {@link #eventTimeMillis}. */
  Object eventTimeValue(long millis) {
    Instant instant = Instant.ofEpochMilli(millis);
    return types.get(eventTimeIndex).getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE
        ? instant : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** The row of an upsert source's key columns. */
  DataType keyType() {
    return DataTypes.ROW(Arrays.stream(keyColumns).mapToObj(i -> DataTypes.FIELD(names.get(i),
        TypeConversions.fromLogicalToDataType(types.get(i)))).toArray(DataTypes.Field[]::new));
  }

  /**
   * The table schema: the row's columns, the rowtime attribute with the source's watermarks, and an upsert
   * source's primary key.
   */
  Schema tableSchema() {
    Schema.Builder schema = Schema.newBuilder().fromRowDataType(rowType());
    if (eventTimeFromRecord()) {
      schema.columnByMetadata(EventTimeSpec.RECORD_TIMESTAMP_COLUMN, DataTypes.TIMESTAMP_LTZ(ROWTIME_PRECISION),
          STREAM_RECORD_TIMESTAMP);
    }
    if (eventTime != null) {
      schema.watermark(eventTimeFromRecord() ? EventTimeSpec.RECORD_TIMESTAMP_COLUMN : names.get(eventTimeIndex),
          "SOURCE_WATERMARK()");
    }
    if (upsert()) {
      schema.primaryKey(Arrays.stream(keyColumns).mapToObj(names::get).toList());
    }
    return schema.build();
  }

  private static LogicalType rowtime(LogicalType type) {
    if (type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
        && ((TimestampType) type).getPrecision() > ROWTIME_PRECISION) {
      return new TimestampType(type.isNullable(), ROWTIME_PRECISION);
    }
    if (type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE
        && ((LocalZonedTimestampType) type).getPrecision() > ROWTIME_PRECISION) {
      return new LocalZonedTimestampType(type.isNullable(), ROWTIME_PRECISION);
    }
    return type;
  }
}
