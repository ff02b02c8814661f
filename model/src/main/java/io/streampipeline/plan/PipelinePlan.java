package io.streampipeline.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.streampipeline.model.DeliveryGuarantee;
import java.util.List;
import java.util.Map;

/**
 * The contract between the operator and the bundled Flink job: everything the job needs to know about a
 * pipeline, and nothing about Kubernetes. The operator writes it into the FlinkDeployment's job arguments
 * with {@link PlanCodec}; the job reads it back with the same codec. A change that a job of an older
 * version could misread must bump {@link PlanCodec#CURRENT_VERSION}.
 *
 * @param version plan format version
 * @param pipeline the pipeline's identity, {@code namespace/name}; names Kafka groups and transactions
 * @param deadLetterTopic null when the pipeline has no dead-letter topic
 * @param sink the one sink the SQL (one query) writes; null when the plan has {@code sinks}
 * @param state null as {@link StatePlan#DEFAULT}
 * @param kafkaProperties null or extra Kafka client properties that the job sets on every client it makes
 *     (security, for one); never a secret value, only references to secrets through a config provider
 *     ({@link KafkaClientSecurity}), which {@link PlanValidator} checks
 * @param sinks the sinks the SQL's {@code INSERT INTO} statements write, each with a name; null when the plan
 *     has one {@code sink}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelinePlan(
    int version,
    String pipeline,
    String bootstrapServers,
    List<SourcePlan> sources,
    String sql,
    SinkPlan sink,
    String deadLetterTopic,
    DeliveryGuarantee delivery,
    long checkpointIntervalMs,
    int restartAttempts,
    long restartDelayMs,
    String consumerGroup,
    String transactionalIdPrefix,
    StatePlan state,
    Map<String, String> kafkaProperties,
    List<SinkPlan> sinks) {

  @JsonCreator
  public PipelinePlan {}

  /** A plan with its one sink, which the whole SQL writes. */
  public PipelinePlan(int version, String pipeline, String bootstrapServers, List<SourcePlan> sources, String sql,
      SinkPlan sink, String deadLetterTopic, DeliveryGuarantee delivery, long checkpointIntervalMs,
      int restartAttempts, long restartDelayMs, String consumerGroup, String transactionalIdPrefix, StatePlan state,
      Map<String, String> kafkaProperties) {
    this(version, pipeline, bootstrapServers, sources, sql, sink, deadLetterTopic, delivery, checkpointIntervalMs,
        restartAttempts, restartDelayMs, consumerGroup, transactionalIdPrefix, state, kafkaProperties, null);
  }

  /** The plan's sinks: its {@code sinks}, or its one {@code sink}. */
  public List<SinkPlan> allSinks() {
    return sinks != null ? sinks : List.of(sink);
  }

  /** The plan's state settings, {@link StatePlan#DEFAULT} when it has none. */
  public StatePlan stateOrDefault() {
    return state == null ? StatePlan.DEFAULT : state;
  }

  /** The plan's extra Kafka client properties, empty when it has none. */
  public Map<String, String> kafkaPropertiesOrEmpty() {
    return kafkaProperties == null ? Map.of() : kafkaProperties;
  }

  /** The same plan reading from and writing to {@code servers}, whose clients need {@code properties} (null: none). */
  public PipelinePlan withKafka(String servers, Map<String, String> properties) {
    return new PipelinePlan(version, pipeline, servers, sources, sql, sink, deadLetterTopic, delivery,
        checkpointIntervalMs, restartAttempts, restartDelayMs, consumerGroup, transactionalIdPrefix, state,
        properties, sinks);
  }

  /** The same plan with another fixed-delay restart strategy; fault tests use it to outlast a broker's outage. */
  public PipelinePlan withRestartStrategy(int attempts, long delayMs) {
    return new PipelinePlan(version, pipeline, bootstrapServers, sources, sql, sink, deadLetterTopic, delivery,
        checkpointIntervalMs, attempts, delayMs, consumerGroup, transactionalIdPrefix, state, kafkaProperties,
        sinks);
  }
}
