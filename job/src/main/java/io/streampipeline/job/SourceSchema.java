package io.streampipeline.job;

import io.streampipeline.model.Format;
import io.streampipeline.plan.ColumnPlan;
import io.streampipeline.plan.SourcePlan;
import java.io.Serializable;
import java.util.ArrayList;
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

/**
 * The SQL view of one source: its columns with their Flink types and, for JSON, how to read each.
 *
 * <p>The event-time column becomes the table's rowtime attribute. Flink requires a rowtime of millisecond
 * precision at most, so a {@code TIMESTAMP(6)} (or plain {@code TIMESTAMP}) event-time column is read as
 * {@code TIMESTAMP(3)}; it is also always required, since a row without time cannot be placed in a window.
 */
final class SourceSchema implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int ROWTIME_PRECISION = 3;

  private final String name;
  private final Format format;
  private final String eventTimeColumn;
  private final long watermarkDelayMs;
  private final List<String> names = new ArrayList<>();
  private final List<LogicalType> types = new ArrayList<>();
  private final boolean[] required;

  SourceSchema(SourcePlan source) {
    this.name = source.name();
    this.format = source.format();
    this.eventTimeColumn = source.eventTime() == null ? null : source.eventTime().column();
    this.watermarkDelayMs = source.eventTime() == null ? 0 : source.eventTime().watermarkDelayMs();
    this.required = new boolean[source.columns().size()];
    for (int i = 0; i < source.columns().size(); i++) {
      ColumnPlan column = source.columns().get(i);
      boolean eventTime = column.name().equals(eventTimeColumn);
      LogicalType type = LogicalTypeParser.parse(column.type(), SourceSchema.class.getClassLoader());
      names.add(column.name());
      types.add(eventTime ? rowtime(type) : type);
      required[i] = column.required() || eventTime;
    }
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

  DataType rowType() {
    List<DataTypes.Field> fields = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      fields.add(DataTypes.FIELD(names.get(i), TypeConversions.fromLogicalToDataType(types.get(i))));
    }
    return DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
  }

  /** The table schema, with the watermark on the event-time column if there is one. */
  Schema tableSchema() {
    Schema.Builder schema = Schema.newBuilder().fromRowDataType(rowType());
    if (eventTimeColumn != null) {
      schema.watermark(eventTimeColumn, String.format("`%s` - INTERVAL '%d.%03d' SECOND",
          eventTimeColumn, watermarkDelayMs / 1000, watermarkDelayMs % 1000));
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
