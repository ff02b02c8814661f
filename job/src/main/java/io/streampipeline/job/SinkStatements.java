package io.streampipeline.job;

import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.Problem;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.SinkWrites;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.SqlParserException;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentImpl;
import org.apache.flink.table.operations.ModifyOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.SinkModifyOperation;
import org.apache.flink.table.operations.StatementSetOperation;

/**
 * The {@code INSERT INTO <sink> SELECT ...} statements of a plan with several sinks, split and validated by
 * Flink's own SQL parser: the SQL is parsed as the body of an {@code EXECUTE STATEMENT SET BEGIN ... END}, so
 * that quoting, comments and {@code ;} inside string literals mean what they mean to Flink.
 *
 * <p>To resolve the statements' targets, each sink is registered as a table for the parse. The planner does not
 * check the query against a target's columns until it translates the insert, which never happens here: each
 * statement's query becomes a {@link Table}, which the job writes to its sink's Kafka topic as it writes the
 * result of a single-sink pipeline, so every sink keeps the same serialization, upsert rules and uids.
 */
final class SinkStatements {

  /** Put before the SQL; the SQL starts on the next line, so the parser's columns are the user's. */
  private static final String PREFIX = "EXECUTE STATEMENT SET BEGIN\n";
  private static final String PLACEHOLDER_COLUMN = "streampipeline_placeholder";

  /**
   * A statement's query and the sink it writes.
   *
   * @param field the sink's field in the plan, {@code sinks[i]}
   */
  record SinkStatement(SinkPlan sink, String field, Table result) {}

  private SinkStatements() {}

  /**
   * One statement per sink, in the order of the plan's sinks.
   *
   * @throws InvalidPlanException naming {@code transform.sql} (with line and column where Flink gives them)
   *     or the sink that no statement, or more than one, writes
   */
  static List<SinkStatement> parse(StreamTableEnvironment tableEnv, PipelinePlan plan) {
    List<SinkPlan> sinks = plan.sinks();
    // What the operator checked already, so that a plan made elsewhere gets the same words.
    List<Problem> unwritten = SinkWrites.problems(plan.sql(), sinks.stream().map(SinkPlan::name).toList(), "");
    if (!unwritten.isEmpty()) {
      throw new InvalidPlanException(unwritten);
    }
    sinks.forEach(sink -> tableEnv.createTemporaryTable(sink.name(), TableDescriptor.forConnector("blackhole")
        .schema(Schema.newBuilder().column(PLACEHOLDER_COLUMN, DataTypes.STRING()).build())
        .build()));
    List<ModifyOperation> inserts;
    try {
      inserts = statementSet(tableEnv, plan.sql());
    } finally {
      sinks.forEach(sink -> tableEnv.dropTemporaryTable(sink.name()));
    }
    SinkModifyOperation[] bySink = new SinkModifyOperation[sinks.size()];
    for (ModifyOperation insert : inserts) {
      if (!(insert instanceof SinkModifyOperation write) || write.getTargetColumns() != null
          || !write.getStaticPartitions().isEmpty() || write.isOverwrite()) {
        throw new InvalidPlanException("transform.sql", "'" + insert.asSummaryString().lines().findFirst()
            .orElse("") + "': write each sink with a plain INSERT INTO <sink> SELECT ... (no column list,"
            + " partition or OVERWRITE): the sink's columns are the query's");
      }
      String table = write.getContextResolvedTable().getIdentifier().getObjectName();
      int index = indexOf(sinks, table);
      if (index < 0) {
        throw new InvalidPlanException("transform.sql", "INSERT INTO writes table '" + table
            + "', which is not a sink (sinks: " + String.join(", ", sinks.stream().map(SinkPlan::name).toList()) + ")");
      }
      if (bySink[index] != null) {
        throw new InvalidPlanException("sinks[" + index + "]", "sink '" + table + "' is written by two"
            + " statements; write it with one, combining the queries with UNION ALL");
      }
      bySink[index] = write;
    }
    List<SinkStatement> statements = new ArrayList<>();
    for (int i = 0; i < sinks.size(); i++) {
      if (bySink[i] == null) {
        throw new InvalidPlanException("sinks[" + i + "]", "no statement of transform.sql writes sink '"
            + sinks.get(i).name() + "'");
      }
      // The query as a Table, exactly as sqlQuery makes one from a parsed query.
      Table result = ((TableEnvironmentImpl) tableEnv).createTable(bySink[i].getChild());
      statements.add(new SinkStatement(sinks.get(i), "sinks[" + i + "]", result));
    }
    return statements;
  }

  /**
   * The statements, parsed and validated. Each statement in a statement set ends with {@code ;}; a last one
   * without it is accepted, as a single query is.
   */
  private static List<ModifyOperation> statementSet(StreamTableEnvironment tableEnv, String sql) {
    try {
      try {
        return operations(tableEnv, PREFIX + sql + "\nEND");
      } catch (SqlParserException withoutFinalSemicolon) {
        try {
          return operations(tableEnv, PREFIX + sql + "\n;\nEND");
        } catch (SqlParserException stillUnparsable) {
          throw withoutFinalSemicolon;
        }
      }
    } catch (ValidationException | SqlParserException e) {
      throw SqlErrors.refused(e, 1);
    }
  }

  private static List<ModifyOperation> operations(StreamTableEnvironment tableEnv, String statementSet) {
    List<Operation> parsed = ((TableEnvironmentImpl) tableEnv).getParser().parse(statementSet);
    if (parsed.size() != 1 || !(parsed.get(0) instanceof StatementSetOperation set)) {
      throw new InvalidPlanException("transform.sql", "with sinks, the SQL is INSERT INTO <sink> SELECT ...;"
          + " statements, one or more");
    }
    return set.getOperations();
  }

  private static int indexOf(List<SinkPlan> sinks, String table) {
    for (int i = 0; i < sinks.size(); i++) {
      if (sinks.get(i).name().equals(table)) {
        return i;
      }
    }
    return -1;
  }
}
