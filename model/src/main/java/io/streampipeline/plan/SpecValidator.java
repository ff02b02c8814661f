package io.streampipeline.plan;

import io.streampipeline.model.ColumnSpec;
import io.streampipeline.model.Durations;
import io.streampipeline.model.EventTimeSpec;
import io.streampipeline.model.Format;
import io.streampipeline.model.SourceSpec;
import io.streampipeline.model.StreamPipelineSpec;
import io.streampipeline.model.TopicSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks the CRD schema and its CEL rules make at admission, in Java, for where there is no API
 * server (the CLI) and as a second line in the operator. Problems name their field as {@code spec.…}.
 */
public final class SpecValidator {

  private static final Pattern SOURCE_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]{0,62}$");
  private static final Pattern TOPIC = Pattern.compile("^[a-zA-Z0-9._-]{1,249}$");
  private static final Pattern COLUMN_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");
  private static final Pattern COLUMN_TYPE = Pattern.compile(ColumnSpec.TYPE_PATTERN);
  private static final Pattern STARTING_OFFSETS = Pattern.compile(SourceSpec.STARTING_OFFSETS_PATTERN);

  private SpecValidator() {}

  public static void requireValid(StreamPipelineSpec spec) {
    List<Problem> problems = validate(spec);
    if (!problems.isEmpty()) {
      throw new InvalidPlanException(problems);
    }
  }

  public static List<Problem> validate(StreamPipelineSpec spec) {
    List<Problem> problems = new ArrayList<>();
    if (spec == null) {
      problems.add(new Problem("spec", "required"));
      return problems;
    }
    if (spec.getKafka() == null || blank(spec.getKafka().getCluster())) {
      problems.add(new Problem("spec.kafka.cluster", "required"));
    }
    Set<String> sourceTopics = new HashSet<>();
    if (spec.getSources() == null || spec.getSources().isEmpty()) {
      problems.add(new Problem("spec.sources", "at least one source is required"));
    } else {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < spec.getSources().size(); i++) {
        SourceSpec source = spec.getSources().get(i);
        String at = "spec.sources[" + i + "]";
        validateSource(problems, at, source);
        if (source.getName() != null && !names.add(source.getName())) {
          problems.add(new Problem(at + ".name", "duplicate source name '" + source.getName() + "'"));
        }
        if (source.getTopic() != null && !sourceTopics.add(source.getTopic())) {
          problems.add(new Problem(at + ".topic", "topic '" + source.getTopic() + "' is read by another source"));
        }
      }
    }
    if (spec.getTransform() == null || blank(spec.getTransform().getSql())) {
      problems.add(new Problem("spec.transform.sql", "required"));
    } else if (spec.getSources() != null) {
      Set<String> sources = new HashSet<>();
      spec.getSources().forEach(s -> sources.add(s.getName()));
      for (String table : SqlTableReferences.tablesRead(spec.getTransform().getSql())) {
        if (!sources.contains(table)) {
          problems.add(new Problem("spec.transform.sql", "reads table '" + table + "', which is not a source (sources: "
              + String.join(", ", new java.util.TreeSet<>(sources)) + ")"));
        }
      }
    }
    if (spec.getSink() == null) {
      problems.add(new Problem("spec.sink", "required"));
    } else {
      validateTopic(problems, "spec.sink", spec.getSink());
      if (sourceTopics.contains(spec.getSink().getTopic())) {
        problems.add(new Problem("spec.sink.topic", "must not also be a source topic"));
      }
      List<String> key = spec.getSink().getKey();
      for (int k = 0; key != null && k < key.size(); k++) {
        if (blank(key.get(k))) {
          problems.add(new Problem("spec.sink.key[" + k + "]", "must name a result column"));
        }
      }
    }
    if (spec.getDeadLetter() != null) {
      validateTopic(problems, "spec.deadLetter", spec.getDeadLetter());
      String topic = spec.getDeadLetter().getTopic();
      if (sourceTopics.contains(topic) || (spec.getSink() != null && Objects.equals(topic, spec.getSink().getTopic()))) {
        problems.add(new Problem("spec.deadLetter.topic", "must differ from the sink and source topics"));
      }
    }
    if (spec.getJob() != null) {
      duration(problems, "spec.job.checkpointInterval", spec.getJob().getCheckpointInterval());
      duration(problems, "spec.job.restartDelay", spec.getJob().getRestartDelay());
      Integer parallelism = spec.getJob().getParallelism();
      if (parallelism != null && parallelism < 1) {
        problems.add(new Problem("spec.job.parallelism", "must be at least 1"));
      }
    }
    return problems;
  }

  /** The rules that compare a spec with the one before it (CEL transition rules at admission). */
  public static List<Problem> validateUpdate(StreamPipelineSpec before, StreamPipelineSpec after) {
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < after.getSources().size(); i++) {
      SourceSpec now = after.getSources().get(i);
      for (SourceSpec old : before.getSources()) {
        if (Objects.equals(old.getTopic(), now.getTopic()) && shrinks(old, now)) {
          problems.add(new Problem("spec.sources[" + i + "].partitions",
              "cannot decrease from " + old.getPartitions() + " to " + now.getPartitions()));
        }
      }
    }
    if (before.getSink() != null && after.getSink() != null
        && Objects.equals(before.getSink().getTopic(), after.getSink().getTopic())
        && shrinks(before.getSink(), after.getSink())) {
      problems.add(new Problem("spec.sink.partitions",
          "cannot decrease from " + before.getSink().getPartitions() + " to " + after.getSink().getPartitions()));
    }
    return problems;
  }

  private static boolean shrinks(TopicSpec before, TopicSpec after) {
    return before.getPartitions() != null && after.getPartitions() != null
        && after.getPartitions() < before.getPartitions();
  }

  private static void validateSource(List<Problem> problems, String at, SourceSpec source) {
    if (blank(source.getName()) || !SOURCE_NAME.matcher(source.getName()).matches()) {
      problems.add(new Problem(at + ".name", "must be a SQL identifier (letters, digits, _), was '"
          + source.getName() + "'"));
    }
    validateTopic(problems, at, source);
    if (source.getFormat() == Format.JSON && (source.getSchema() == null || source.getSchema().isEmpty())) {
      problems.add(new Problem(at + ".schema", "required when format is json"));
    }
    List<ColumnSpec> schema = source.getSchema() == null ? List.of() : source.getSchema();
    for (int c = 0; c < schema.size(); c++) {
      ColumnSpec column = schema.get(c);
      if (blank(column.getName()) || !COLUMN_NAME.matcher(column.getName()).matches()) {
        problems.add(new Problem(at + ".schema[" + c + "].name", "must be a SQL identifier, was '"
            + column.getName() + "'"));
      }
      if (column.getType() == null || !COLUMN_TYPE.matcher(column.getType()).matches()) {
        problems.add(new Problem(at + ".schema[" + c + "].type", "unsupported type '" + column.getType()
            + "' (STRING, BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, DATE, DECIMAL(p,s), TIMESTAMP(p), TIMESTAMP_LTZ(p))"));
      }
    }
    if (source.getStartingOffsets() != null && !STARTING_OFFSETS.matcher(source.getStartingOffsets()).matches()) {
      problems.add(new Problem(at + ".startingOffsets", "must be committed, earliest, latest or an RFC 3339"
          + " timestamp, was '" + source.getStartingOffsets() + "'"));
    }
    if (source.getEventTime() != null) {
      String column = source.getEventTime().getColumn();
      boolean json = source.getFormat() == Format.JSON;
      if (column != null && !(json && schema.stream().anyMatch(c -> Objects.equals(c.getName(), column)
          && c.getType() != null && c.getType().startsWith("TIMESTAMP")))) {
        problems.add(new Problem(at + ".eventTime.column", "'" + column
            + "' is not a TIMESTAMP column of the json schema"));
      }
      if (column == null && json
          && schema.stream().anyMatch(c -> EventTimeSpec.RECORD_TIMESTAMP_COLUMN.equals(c.getName()))) {
        problems.add(new Problem(at + ".schema", "event time from the record timestamp adds the column "
            + EventTimeSpec.RECORD_TIMESTAMP_COLUMN + ", which the schema must not declare"));
      }
      duration(problems, at + ".eventTime.watermarkDelay", source.getEventTime().getWatermarkDelay());
      duration(problems, at + ".eventTime.idleTimeout", source.getEventTime().getIdleTimeout());
    }
  }

  private static void validateTopic(List<Problem> problems, String at, TopicSpec topic) {
    if (blank(topic.getTopic()) || !TOPIC.matcher(topic.getTopic()).matches()) {
      problems.add(new Problem(at + ".topic", "must be a Kafka topic name (letters, digits, '.', '_', '-'), was '"
          + topic.getTopic() + "'"));
    }
    if (topic.getPartitions() != null && topic.getPartitions() < 1) {
      problems.add(new Problem(at + ".partitions", "must be at least 1"));
    }
    if (topic.getReplicas() != null && topic.getReplicas() < 1) {
      problems.add(new Problem(at + ".replicas", "must be at least 1"));
    }
    Map<String, String> config = topic.getConfig();
    if (config != null && config.values().stream().anyMatch(Objects::isNull)) {
      problems.add(new Problem(at + ".config", "values must not be null"));
    }
  }

  private static void duration(List<Problem> problems, String field, String value) {
    if (value == null) {
      return;
    }
    try {
      Durations.parse(field, value);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(field, "'" + value + "' is not a duration such as 500ms, 10s, 1m or 2h"));
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
