package io.streampipeline.job.upgrade;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streampipeline.model.Format;
import io.streampipeline.plan.ColumnPlan;
import io.streampipeline.plan.SourcePlan;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

/**
 * Source records for a dry run, readable by the source's schema: a few distinct values per column, so that
 * keys repeat and aggregates, windows and joins build state; event time advancing one second per record,
 * so that windows open and close. Types without a generated value (arrays, maps, rows) are left out, which
 * dead-letters records where such a column is required.
 */
final class GeneratedRecords {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDateTime START = LocalDateTime.of(2024, 1, 1, 0, 0);

  private GeneratedRecords() {}

  static List<byte[]> of(SourcePlan source, int count) {
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String value = source.format() == Format.RAW ? "w" + i % 5 + " w" + i % 7 : json(source.columns(), i);
      values.add(value.getBytes(StandardCharsets.UTF_8));
    }
    return values;
  }

  private static String json(List<ColumnPlan> columns, int i) {
    ObjectNode record = JSON.createObjectNode();
    for (ColumnPlan column : columns) {
      LogicalType type = LogicalTypeParser.parse(column.type(), GeneratedRecords.class.getClassLoader());
      switch (type.getTypeRoot()) {
        case CHAR, VARCHAR -> record.put(column.name(), "v" + i % 3);
        case BOOLEAN -> record.put(column.name(), i % 2 == 0);
        case TINYINT, SMALLINT, INTEGER, BIGINT -> record.put(column.name(), i % 4);
        case FLOAT, DOUBLE, DECIMAL -> record.put(column.name(), i % 4 + 0.5);
        case DATE -> record.put(column.name(), START.toLocalDate().plusDays(i % 3).toString());
        case TIMESTAMP_WITHOUT_TIME_ZONE -> record.put(column.name(), START.plusSeconds(i).toString());
        case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> record.put(column.name(), START.plusSeconds(i) + "Z");
        default -> { }
      }
    }
    return record.toString();
  }
}
