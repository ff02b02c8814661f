package io.streampipeline.plan;

import io.streampipeline.model.NamedSinkSpec;
import io.streampipeline.model.SourceSpec;
import io.streampipeline.model.StreamPipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The spec rules the CRD cannot express, in the one place the operator and the CLI both use.
 *
 * <p>Every other rule is the CRD's (its schema and CEL rules, generated from this model): the API server
 * applies them at admission, so the operator never sees a spec that breaks one, and {@code streampipeline
 * validate} applies them from the generated CRD itself. What is left needs the SQL parsed, which CEL cannot:
 * the query may read only the declared sources, and with {@code sinks} its {@code INSERT INTO} statements must
 * write exactly the declared sinks. Problems name their field as {@code spec.…}.
 */
public final class SpecValidator {

  private static final String SQL = "spec.transform.sql";

  private SpecValidator() {}

  public static void requireValid(StreamPipelineSpec spec) {
    List<Problem> problems = validate(spec);
    if (!problems.isEmpty()) {
      throw new InvalidPlanException(problems);
    }
  }

  /** The problems of an admitted spec (one the CRD accepts). */
  public static List<Problem> validate(StreamPipelineSpec spec) {
    List<Problem> problems = new ArrayList<>();
    Set<String> sources = new TreeSet<>();
    spec.getSources().stream().map(SourceSpec::getName).forEach(sources::add);
    for (String table : SqlTableReferences.tablesRead(spec.getTransform().getSql())) {
      if (!sources.contains(table)) {
        problems.add(new Problem(SQL, "reads table '" + table + "', which is not a source (sources: "
            + String.join(", ", sources) + ")"));
      }
    }
    problems.addAll(SinkWrites.problems(spec.getTransform().getSql(), spec.getSinks() == null ? null
        : spec.getSinks().stream().map(NamedSinkSpec::getName).toList(), "spec."));
    return problems;
  }
}
