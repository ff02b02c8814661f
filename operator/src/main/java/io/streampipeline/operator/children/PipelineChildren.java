package io.streampipeline.operator.children;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.streampipeline.model.StreamPipelineSpec;
import io.streampipeline.model.TopicsSpec.DeletionPolicy;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PipelinePlans;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * What a pipeline should create: pure functions from a {@link StreamPipeline} to its desired KafkaTopics,
 * KafkaUser and FlinkDeployment. The reconciler applies them; {@code streampipeline render} prints them.
 */
public final class PipelineChildren {

  public static final String ROLE_SOURCE = "source";
  public static final String ROLE_SINK = "sink";
  public static final String ROLE_DEAD_LETTER = "deadLetter";

  private PipelineChildren() {}

  /** The topics in the order sources, sink (or sinks, in their order), dead-letter. */
  public static List<DesiredTopic> topics(StreamPipelineSpec spec) {
    List<DesiredTopic> topics = new ArrayList<>();
    spec.getSources().forEach(s -> topics.add(DesiredTopic.of(ROLE_SOURCE, s)));
    if (spec.getSink() != null) {
      topics.add(DesiredTopic.of(ROLE_SINK, spec.getSink()));
    } else {
      spec.getSinks().forEach(s -> topics.add(DesiredTopic.of(ROLE_SINK, s)));
    }
    if (spec.getDeadLetter() != null) {
      topics.add(DesiredTopic.of(ROLE_DEAD_LETTER, spec.getDeadLetter()));
    }
    return topics;
  }

  /**
   * The KafkaTopic for a topic the pipeline manages. With deletion policy {@code Delete} it is owned by the
   * pipeline, so that Kubernetes' garbage collector deletes it (and Strimzi the Kafka topic) with the
   * pipeline; with {@code Retain} it has no owner and outlives the pipeline. No finalizer is involved.
   */
  public static KafkaTopic kafkaTopic(StreamPipeline pipeline, DesiredTopic topic) {
    StreamPipelineSpec spec = pipeline.getSpec();
    Map<String, String> labels = ChildLabels.forPipeline(pipeline.getMetadata().getName());
    labels.put(ChildLabels.STRIMZI_CLUSTER, spec.getKafka().getCluster());
    Map<String, Object> config = new LinkedHashMap<>(topic.spec().getConfig() == null ? Map.of() : topic.spec().getConfig());
    return new KafkaTopicBuilder()
        .withNewMetadata()
          .withName(topic.resourceName())
          .withNamespace(pipeline.getMetadata().getNamespace())
          .withLabels(labels)
          .withOwnerReferences(deletesWithPipeline(spec) ? List.of(ownerReference(pipeline)) : List.of())
        .endMetadata()
        .withNewSpec()
          .withTopicName(topic.topic())
          .withPartitions(topic.spec().getPartitions())
          .withReplicas(topic.spec().getReplicas())
          .withConfig(config)
        .endSpec()
        .build();
  }

  public static boolean deletesWithPipeline(StreamPipelineSpec spec) {
    return spec.getTopics() != null && spec.getTopics().getDeletionPolicy() == DeletionPolicy.Delete;
  }

  public static PipelinePlan plan(StreamPipeline pipeline) {
    return PipelinePlans.fromSpec(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
        pipeline.getSpec());
  }

  /** The plan with the connection's bootstrap servers and Kafka client properties. */
  public static PipelinePlan plan(StreamPipeline pipeline, KafkaConnection connection) {
    return plan(pipeline).withKafka(connection.bootstrapServers(),
        connection.kafkaProperties().isEmpty() ? null : connection.kafkaProperties());
  }

  /** The FlinkDeployment, with the connection {@link KafkaConnection#assumed} for the spec (as render shows it). */
  public static FlinkDeployment flinkDeployment(StreamPipeline pipeline, OperatorConfig config) {
    return flinkDeployment(pipeline, config, KafkaConnection.assumed(pipeline), null);
  }

  /**
   * @param credentialsVersion stands for the versions of the Secrets the pods mount, as the FlinkDeployment's
   *     {@code restartNonce}: when one changes (a rotated password or certificate) the Flink operator restarts the
   *     job, whose clients read their credentials when they start; null without Secrets
   */
  public static FlinkDeployment flinkDeployment(StreamPipeline pipeline, OperatorConfig config,
      KafkaConnection connection, Long credentialsVersion) {
    return FlinkDeploymentTemplate.build(pipeline, plan(pipeline, connection), config, connection,
        credentialsVersion);
  }

  /** The KafkaUser the operator creates for the pipeline; only for a connection with a {@code kafkaUser}. */
  public static KafkaUser kafkaUser(StreamPipeline pipeline, KafkaConnection connection) {
    return KafkaUserTemplate.build(pipeline, plan(pipeline, connection), connection);
  }

  public static OwnerReference ownerReference(StreamPipeline pipeline) {
    return new OwnerReferenceBuilder()
        .withApiVersion(HasMetadata.getApiVersion(StreamPipeline.class))
        .withKind(HasMetadata.getKind(StreamPipeline.class))
        .withName(pipeline.getMetadata().getName())
        .withUid(pipeline.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(false)
        .build();
  }
}
