package io.streampipeline.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which sinks the SQL's {@code INSERT INTO} statements write, checked without a planner (see
 * {@link SqlTableReferences#insertTargets}): the one definition the operator, {@code validate} and the job use.
 * With several sinks every statement writes a sink and every sink is written; with one sink the SQL is one
 * query and writes nothing itself.
 */
public final class SinkWrites {

  private SinkWrites() {}

  /**
   * @param sinks the names of the sinks, null for a pipeline with one sink
   * @param prefix what field names start with: {@code spec.} in a resource, nothing in a plan
   */
  public static List<Problem> problems(String sql, List<String> sinks, String prefix) {
    List<Problem> problems = new ArrayList<>();
    String sqlField = prefix + "transform.sql";
    List<SqlTableReferences.InsertTarget> targets = SqlTableReferences.insertTargets(sql);
    if (sinks == null) {
      targets.stream().findFirst().ifPresent(t -> problems.add(new Problem(sqlField, at(t) + ": INSERT INTO needs "
          + prefix + "sinks; with " + prefix + "sink the SQL is one query, whose result the sink writes")));
      return problems;
    }
    Set<String> written = new TreeSet<>();
    for (SqlTableReferences.InsertTarget target : targets) {
      written.add(target.table());
      if (!sinks.contains(target.table())) {
        problems.add(new Problem(sqlField, at(target) + ": INSERT INTO writes table '" + target.table()
            + "', which is not a sink (sinks: " + String.join(", ", sinks) + ")"));
      }
    }
    for (int i = 0; i < sinks.size(); i++) {
      if (!written.contains(sinks.get(i))) {
        problems.add(new Problem(prefix + "sinks[" + i + "]", "no statement of " + sqlField + " writes sink '"
            + sinks.get(i) + "'; add INSERT INTO " + sinks.get(i) + " SELECT ... or remove the sink"));
      }
    }
    return problems;
  }

  private static String at(SqlTableReferences.InsertTarget target) {
    return "line " + target.line() + ", column " + target.column();
  }
}
