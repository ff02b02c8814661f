package io.streampipeline.plan;

import io.streampipeline.model.ColumnSpec;
import io.streampipeline.model.EventTimeSpec;
import io.streampipeline.model.Format;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a decoded plan before the job builds anything from it. */
public final class PlanValidator {

  private static final Pattern COLUMN_TYPE = Pattern.compile(ColumnSpec.TYPE_PATTERN);

  private PlanValidator() {}

  public static void requireValid(PipelinePlan plan) {
    List<Problem> problems = validate(plan);
    if (!problems.isEmpty()) {
      throw new InvalidPlanException(problems);
    }
  }

  public static List<Problem> validate(PipelinePlan plan) {
    List<Problem> problems = new ArrayList<>();
    required(problems, "pipeline", plan.pipeline());
    required(problems, "bootstrapServers", plan.bootstrapServers());
    required(problems, "sql", plan.sql());
    required(problems, "consumerGroup", plan.consumerGroup());
    required(problems, "transactionalIdPrefix", plan.transactionalIdPrefix());
    if (plan.delivery() == null) {
      problems.add(new Problem("delivery", "required"));
    }
    if (plan.checkpointIntervalMs() <= 0) {
      problems.add(new Problem("checkpointIntervalMs", "must be positive"));
    }
    if (plan.restartAttempts() < 0) {
      problems.add(new Problem("restartAttempts", "must not be negative"));
    }
    if (plan.sources() == null || plan.sources().isEmpty()) {
      problems.add(new Problem("sources", "at least one source is required"));
    } else {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < plan.sources().size(); i++) {
        validateSource(problems, "sources[" + i + "]", plan.sources().get(i), names);
      }
    }
    if (plan.sink() == null) {
      problems.add(new Problem("sink", "required"));
    } else {
      required(problems, "sink.topic", plan.sink().topic());
      if (plan.sink().format() == null) {
        problems.add(new Problem("sink.format", "required"));
      }
      if (plan.sink().key() == null) {
        problems.add(new Problem("sink.key", "required (may be empty)"));
      }
    }
    return problems;
  }

  private static void validateSource(List<Problem> problems, String at, SourcePlan source, Set<String> names) {
    required(problems, at + ".name", source.name());
    required(problems, at + ".topic", source.topic());
    if (source.name() != null && !names.add(source.name())) {
      problems.add(new Problem(at + ".name", "duplicate source name '" + source.name() + "'"));
    }
    if (source.format() == null) {
      problems.add(new Problem(at + ".format", "required"));
    }
    if (source.startingOffsets() == null || source.startingOffsets().mode() == null) {
      problems.add(new Problem(at + ".startingOffsets", "required"));
    } else if (source.startingOffsets().mode() == StartingOffsets.Mode.TIMESTAMP
        && source.startingOffsets().timestampMillis() == null) {
      problems.add(new Problem(at + ".startingOffsets.timestampMillis", "required for TIMESTAMP"));
    }
    if (source.columns() == null || source.columns().isEmpty()) {
      problems.add(new Problem(at + ".columns", "at least one column is required"));
      return;
    }
    if (source.format() == Format.RAW && (source.columns().size() != 1
        || !SourcePlan.RAW_COLUMN.equals(source.columns().get(0).name()))) {
      problems.add(new Problem(at + ".columns", "a raw source has the single column '" + SourcePlan.RAW_COLUMN + "'"));
    }
    for (int c = 0; c < source.columns().size(); c++) {
      ColumnPlan column = source.columns().get(c);
      required(problems, at + ".columns[" + c + "].name", column.name());
      if (column.type() == null || !COLUMN_TYPE.matcher(column.type()).matches()) {
        problems.add(new Problem(at + ".columns[" + c + "].type", "unsupported type '" + column.type() + "'"));
      }
    }
    EventTimePlan eventTime = source.eventTime();
    if (eventTime != null) {
      boolean found = eventTime.column() == null || source.columns().stream().anyMatch(c ->
          c.name().equals(eventTime.column()) && c.type() != null && c.type().startsWith("TIMESTAMP"));
      if (!found) {
        problems.add(new Problem(at + ".eventTime.column",
            "'" + eventTime.column() + "' is not a TIMESTAMP column of the source"));
      }
      if (eventTime.column() == null && source.columns().stream()
          .anyMatch(c -> EventTimeSpec.RECORD_TIMESTAMP_COLUMN.equals(c.name()))) {
        problems.add(new Problem(at + ".columns", "event time from the record timestamp adds the column "
            + EventTimeSpec.RECORD_TIMESTAMP_COLUMN + ", which the source must not have"));
      }
      if (eventTime.watermarkDelayMs() < 0) {
        problems.add(new Problem(at + ".eventTime.watermarkDelayMs", "must not be negative"));
      }
      if (eventTime.idleTimeoutMs() < 0) {
        problems.add(new Problem(at + ".eventTime.idleTimeoutMs", "must not be negative"));
      }
    }
  }

  private static void required(List<Problem> problems, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add(new Problem(field, "required"));
    }
  }
}
