package io.streampipeline.job;

import io.streampipeline.model.Format;
import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.SinkPlan;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.utils.DataTypeUtils;

/**
 * What the query's result looks like to the sink, and whether the sink can write it correctly. Refuses,
 * naming the sink's field ({@code sink} or {@code sinks[i]}):
 *
 * <ul>
 *   <li>a {@code key} column the result does not have;
 *   <li>a raw sink over a result that is not exactly one string column;
 *   <li>an updating result without {@code key}: updates can only be written as an upsert stream;
 *   <li>an updating result whose {@code key} is not a unique key of the result. The rule is the planner's:
 *       the query is planned into a sink with primary key {@code key}, and if the planner has to add an
 *       upsert materializer (its sign that the result's upsert key is not that primary key), several rows
 *       share one key and the topic could not hold them all.
 * </ul>
 */
final class ResultShape {

  private static final String UPSERT_CHECK_TABLE = "streampipeline_upsert_key_check";

  private final List<String> names;
  private final int[] keyColumns;
  private final List<String> key;
  private final String field;

  private ResultShape(List<String> names, int[] keyColumns, List<String> key, String field) {
    this.names = names;
    this.keyColumns = keyColumns;
    this.key = key;
    this.field = field;
  }

  /** @param field the sink's field in the plan, {@code sink} or {@code sinks[i]} */
  static ResultShape of(Table result, SinkPlan sink, String field) {
    ResolvedSchema schema = result.getResolvedSchema();
    List<String> names = schema.getColumnNames();
    int[] keyColumns = new int[sink.key().size()];
    for (int k = 0; k < keyColumns.length; k++) {
      keyColumns[k] = names.indexOf(sink.key().get(k));
      if (keyColumns[k] < 0) {
        throw new InvalidPlanException(field + ".key[" + k + "]", "the query has no column '" + sink.key().get(k)
            + "'; its columns are " + names);
      }
    }
    if (sink.format() == Format.RAW && (names.size() != 1
        || !schema.getColumnDataTypes().get(0).getLogicalType().is(LogicalTypeFamily.CHARACTER_STRING))) {
      throw new InvalidPlanException(field + ".format", "a raw sink writes one STRING column, but the query returns "
          + schema.getColumns().stream().map(Column::toString).toList() + "; select a single STRING column"
          + " or use the json format");
    }
    return new ResultShape(names, keyColumns, sink.key(), field);
  }

  List<String> names() {
    return names;
  }

  int[] keyColumns() {
    return keyColumns;
  }

  /** Checks that an updating result can be written keyed on the sink's key. */
  void requireUpsertable(StreamTableEnvironment tableEnv, Table result) {
    if (key.isEmpty()) {
      throw new InvalidPlanException(field + ".key", "the query produces updates (for example an aggregation"
          + " without a window), which are written as an upsert stream keyed on " + field + ".key; name the columns"
          + " that identify a result row (such as the GROUP BY columns)");
    }
    List<DataTypes.Field> fields = new ArrayList<>();
    ResolvedSchema schema = result.getResolvedSchema();
    for (Column column : schema.getColumns()) {
      DataType type = DataTypeUtils.removeTimeAttribute(column.getDataType());
      // Primary key columns are NOT NULL; the key columns of a grouping are never null anyway.
      fields.add(DataTypes.FIELD(column.getName(), key.contains(column.getName()) ? type.notNull() : type));
    }
    DataType row = DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
    tableEnv.createTemporaryTable(UPSERT_CHECK_TABLE, TableDescriptor.forConnector("blackhole")
        .schema(Schema.newBuilder().fromRowDataType(row).primaryKey(key).build())
        .build());
    try {
      String plan = result.insertInto(UPSERT_CHECK_TABLE).explain(ExplainDetail.CHANGELOG_MODE);
      if (plan.contains("upsertMaterialize=[true]")) {
        throw new InvalidPlanException(field + ".key", key + " is not a unique key of the query's result:"
            + " several result rows can share one key, so their updates cannot be written as one upsert"
            + " stream; use the columns that identify a result row (such as the GROUP BY columns)");
      }
    } finally {
      tableEnv.dropTemporaryTable(UPSERT_CHECK_TABLE);
    }
  }
}
