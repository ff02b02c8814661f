package io.streampipeline.plan;

import io.streampipeline.model.DeliveryGuarantee;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one definition of the Kafka ACLs a pipeline needs, and nothing more: the operator grants exactly these
 * to the pipeline's Kafka user, and the job tests grant exactly these on a broker with no access by default,
 * then take each away to show it is needed.
 *
 * <p>Describe is implied by Read and Write, so none is listed. No {@code IdempotentWrite} on the cluster:
 * since Kafka 3.0 (KIP-679) Write on any topic lets a producer be idempotent, and the sinks have it. The
 * transactional-id rules are prefixes ending in Flink's delimiter, so they cover the ids Flink's Kafka sink
 * makes ({@code <prefix>-<subtask>-<checkpoint>}) and not those of a pipeline whose name only starts with
 * this one's, except one whose name continues with a {@code -} (Kubernetes names may hold one, so
 * {@code orders-eu}'s ids start with {@code orders-}); the namespace stays the boundary.
 *
 * @param rules in a stable order: source topics, consumer group, sink topics, transactional ids
 */
public record KafkaAccess(List<AclRule> rules) {

  /** Flink's Kafka sink joins the transactional-id prefix, subtask and checkpoint with this. */
  public static final String TRANSACTIONAL_ID_DELIMITER = "-";

  /** The transactional-id prefix of the dead-letter sink: the pipeline's, with this suffix. */
  public static final String DEAD_LETTER_ID_SUFFIX = ".dead-letter";

  /**
   * What a result sink's transactional-id prefix adds to the pipeline's: nothing for a plan's one sink, and
   * {@code .sink.<name>} for each of several sinks. Names are SQL identifiers without dots, so no sink's prefix
   * is another's or the dead-letter sink's.
   */
  public static String sinkIdSuffix(SinkPlan sink) {
    return sink.name() == null ? "" : ".sink." + sink.name();
  }

  /** What a rule is about; the names are Kafka's {@code ResourceType} names. */
  public enum ResourceType { TOPIC, GROUP, TRANSACTIONAL_ID }

  /** Kafka's {@code PatternType} LITERAL and PREFIXED; Strimzi's {@code literal} and {@code prefix}. */
  public enum PatternType { LITERAL, PREFIX }

  /** The names are Kafka's {@code AclOperation} names. */
  public enum Operation { READ, WRITE }

  /** Allow {@code operations} on the resources {@code name} designates with {@code patternType}. */
  public record AclRule(ResourceType resourceType, String name, PatternType patternType, List<Operation> operations) {

    public AclRule {
      operations = List.copyOf(operations);
    }

    /** For messages: {@code Read on topic 'orders'}, {@code Write on transactional ids starting 'x-'}. */
    public String describe() {
      String ops = String.join(", ", operations.stream().map(Operation::name).toList());
      String resource = resourceType.name().toLowerCase(Locale.ROOT).replace('_', ' ');
      return ops + " on " + resource + (patternType == PatternType.PREFIX ? "s starting '" : " '") + name + "'";
    }
  }

  public KafkaAccess {
    rules = List.copyOf(rules);
  }

  /** The ACLs the job of {@code plan} needs. */
  public static KafkaAccess of(PipelinePlan plan) {
    List<AclRule> rules = new ArrayList<>();
    Set<String> sourceTopics = new LinkedHashSet<>();
    plan.sources().forEach(source -> sourceTopics.add(source.topic()));
    sourceTopics.forEach(topic -> rules.add(literal(ResourceType.TOPIC, topic, Operation.READ)));
    // Offsets are committed to the group on each checkpoint, and read from it when starting from committed offsets.
    rules.add(literal(ResourceType.GROUP, plan.consumerGroup(), Operation.READ));
    Set<String> sinkTopics = new LinkedHashSet<>();
    plan.allSinks().forEach(sink -> sinkTopics.add(sink.topic()));
    if (plan.deadLetterTopic() != null) {
      sinkTopics.add(plan.deadLetterTopic());
    }
    sinkTopics.forEach(topic -> rules.add(literal(ResourceType.TOPIC, topic, Operation.WRITE)));
    if (plan.delivery() == DeliveryGuarantee.EXACTLY_ONCE) {
      plan.allSinks().forEach(sink -> rules.add(transactionalIds(plan.transactionalIdPrefix() + sinkIdSuffix(sink))));
      if (plan.deadLetterTopic() != null) {
        rules.add(transactionalIds(plan.transactionalIdPrefix() + DEAD_LETTER_ID_SUFFIX));
      }
    }
    return new KafkaAccess(rules);
  }

  private static AclRule literal(ResourceType type, String name, Operation operation) {
    return new AclRule(type, name, PatternType.LITERAL, List.of(operation));
  }

  private static AclRule transactionalIds(String sinkPrefix) {
    return new AclRule(ResourceType.TRANSACTIONAL_ID, sinkPrefix + TRANSACTIONAL_ID_DELIMITER, PatternType.PREFIX,
        List.of(Operation.WRITE));
  }
}
