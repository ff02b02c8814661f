package io.streampipeline.plan;

import io.streampipeline.model.Format;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that a decoded plan is complete before the job builds anything from it: the operator-to-job contract.
 * The spec's rules (column types, event-time columns, unique names) are the CRD's, checked at admission before
 * the operator made the plan, and by {@code validate} from the generated CRD; they are not repeated here.
 */
public final class PlanValidator {

  /** A property set from the plan's own fields, after {@code kafkaProperties}: a value there would be lost. */
  private static final Map<String, String> SET_BY_THE_JOB = Map.of(
      "bootstrap.servers", "bootstrapServers",
      "group.id", "consumerGroup",
      "transactional.id", "transactionalIdPrefix");

  /** Properties whose value is a secret: a password, a JAAS configuration with one, a private key. */
  private static final Set<String> SECRET_PROPERTIES = Set.of("sasl.jaas.config", "ssl.keystore.key");

  /** One Kafka config-provider reference, {@code ${provider:[path:]key}}, and nothing else. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^}:]+:[^}]+\\}");

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
      for (int i = 0; i < plan.sources().size(); i++) {
        validateSource(problems, "sources[" + i + "]", plan.sources().get(i));
      }
    }
    if ((plan.sink() == null) == (plan.sinks() == null)) {
      problems.add(new Problem("sink", "exactly one of sink and sinks is required"));
    } else if (plan.sink() != null) {
      validateSink(problems, "sink", plan.sink());
    } else if (plan.sinks().isEmpty()) {
      problems.add(new Problem("sinks", "at least one sink is required"));
    } else {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < plan.sinks().size(); i++) {
        SinkPlan sink = plan.sinks().get(i);
        validateSink(problems, "sinks[" + i + "]", sink);
        required(problems, "sinks[" + i + "].name", sink.name());
        if (sink.name() != null && !names.add(sink.name())) {
          problems.add(new Problem("sinks[" + i + "].name", "'" + sink.name() + "' names another sink too"));
        }
      }
    }
    plan.kafkaPropertiesOrEmpty().forEach((key, value) -> validateKafkaProperty(problems, key, value));
    return problems;
  }

  private static void validateSink(List<Problem> problems, String at, SinkPlan sink) {
    required(problems, at + ".topic", sink.topic());
    if (sink.format() == null) {
      problems.add(new Problem(at + ".format", "required"));
    }
    if (sink.key() == null) {
      problems.add(new Problem(at + ".key", "required (may be empty)"));
    }
  }

  /**
   * Refuses a secret written into the plan (it would be in job arguments, the job graph and logs); its value is
   * never repeated in the message.
   */
  private static void validateKafkaProperty(List<Problem> problems, String key, String value) {
    String at = "kafkaProperties." + key;
    if (key.isBlank() || value == null) {
      problems.add(new Problem(at, "a property needs a name and a value"));
    } else if (SET_BY_THE_JOB.containsKey(key)) {
      problems.add(new Problem(at, "set by the job from the plan's " + SET_BY_THE_JOB.get(key)));
    } else if (isSecret(key) && !isReference(value)) {
      problems.add(new Problem(at, "holds a secret value; refer to it through a Kafka config provider instead,"
          + " e.g. ${directory:" + KafkaClientSecurity.USER_SECRET_MOUNT + ":" + (key.endsWith(".password")
          ? "user.password" : key) + "}"));
    }
  }

  /** Whether the Kafka client property {@code key} holds a secret: a password, a JAAS configuration, a private key. */
  public static boolean isSecret(String key) {
    return SECRET_PROPERTIES.contains(key) || key.endsWith(".password");
  }

  /** Whether {@code value} is one Kafka config-provider reference, {@code ${provider:[path:]key}}. */
  public static boolean isReference(String value) {
    return REFERENCE.matcher(value).matches();
  }

  private static void validateSource(List<Problem> problems, String at, SourcePlan source) {
    required(problems, at + ".name", source.name());
    required(problems, at + ".topic", source.topic());
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
      required(problems, at + ".columns[" + c + "].type", column.type());
    }
    if (source.upsertKey() != null) {
      List<String> names = source.columns().stream().map(ColumnPlan::name).toList();
      if (source.upsertKey().isEmpty()) {
        problems.add(new Problem(at + ".upsertKey", "an upsert source needs at least one key column"));
      }
      source.upsertKey().stream().filter(k -> !names.contains(k)).forEach(k ->
          problems.add(new Problem(at + ".upsertKey", "'" + k + "' is not a column of the source")));
    }
    EventTimePlan eventTime = source.eventTime();
    if (eventTime != null) {
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
