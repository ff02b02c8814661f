package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.TopicStatus;
import io.streampipeline.operator.children.ChildLabels;
import io.streampipeline.operator.children.DesiredTopic;
import io.streampipeline.operator.children.PipelineChildren;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a pipeline's KafkaTopics to the spec and reports each topic's readiness. A KafkaTopic that this
 * pipeline did not create (hand-made, or another pipeline's) is used as it is: never changed, never deleted.
 */
class TopicApplier {

  private static final Logger LOG = LoggerFactory.getLogger(TopicApplier.class);

  private final KubernetesClient client;
  private final ChildRepairs repairs;
  private final Clock clock;

  TopicApplier(KubernetesClient client, ChildRepairs repairs, Clock clock) {
    this.client = client;
    this.repairs = repairs;
    this.clock = clock;
  }

  /**
   * @param owned the KafkaTopics labelled as this pipeline's, from the informer cache
   * @param inNamespace every KafkaTopic in the pipeline's namespace, from the informer cache
   * @param heldBack receives why a topic was left as it is, when someone keeps changing it (see
   *     {@link ChildRepairs})
   */
  List<TopicStatus> apply(StreamPipeline pipeline, Collection<KafkaTopic> owned, List<KafkaTopic> inNamespace,
      List<ChildRepairs.HeldBack> heldBack) {
    String name = pipeline.getMetadata().getName();
    String namespace = pipeline.getMetadata().getNamespace();
    List<DesiredTopic> desired = PipelineChildren.topics(pipeline.getSpec());
    List<TopicStatus> statuses = new ArrayList<>();
    for (DesiredTopic topic : desired) {
      KafkaTopic actual = owned.stream().filter(t -> t.getMetadata().getName().equals(topic.resourceName()))
          .findFirst().orElse(null);
      if (actual == null) {
        Optional<KafkaTopic> foreign = foreignTopic(inNamespace, topic, name);
        if (foreign.isPresent()) {
          statuses.add(status(topic, foreign.get(), false));
          continue;
        }
      }
      KafkaTopic want = PipelineChildren.kafkaTopic(pipeline, topic);
      if (actual != null && actual.getSpec() != null && actual.getSpec().getPartitions() != null
          && want.getSpec().getPartitions() < actual.getSpec().getPartitions()) {
        // Admission refuses a decrease; this catches a topic adopted with more partitions than the spec.
        statuses.add(new TopicStatus(topic.topic(), topic.resourceName(), topic.role(), true, false,
            "spec asks for " + want.getSpec().getPartitions() + " partitions but the topic has "
                + actual.getSpec().getPartitions() + "; Kafka cannot remove partitions"));
        continue;
      }
      if (ChildDiff.needsApply(want, actual, want.getSpec(), actual == null ? null : actual.getSpec())) {
        Instant now = clock.instant();
        ChildRepairs.Decision decision = repairs.decide(want, actual, now);
        if (decision instanceof ChildRepairs.HoldBack hold) {
          ChildRepairs.HeldBack why = ChildRepairs.heldBack(want, hold);
          heldBack.add(why);
          statuses.add(actual == null
              ? new TopicStatus(topic.topic(), topic.resourceName(), topic.role(), true, false, why.message())
              : status(topic, actual, true));
          continue;
        }
        ChildRepairs.Write write = (ChildRepairs.Write) decision;
        LOG.info("Applying KafkaTopic {}/{} for pipeline {}{}", namespace, topic.resourceName(), name,
            write.repair() ? " (changed or deleted by someone else)" : "");
        actual = client.resource(want).fieldManager(FieldManager.NAME).forceConflicts().serverSideApply();
        repairs.written(want, write, now);
      }
      statuses.add(status(topic, actual, true));
    }
    releaseUndesired(pipeline, owned, desired);
    return statuses;
  }

  /** A KafkaTopic for the same Kafka topic that is not this pipeline's, under the expected or any other name. */
  private static Optional<KafkaTopic> foreignTopic(List<KafkaTopic> inNamespace, DesiredTopic topic, String pipeline) {
    return inNamespace.stream()
        .filter(t -> t.getMetadata().getName().equals(topic.resourceName())
            || (t.getSpec() != null && topic.topic().equals(t.getSpec().getTopicName())))
        .filter(t -> !ChildLabels.ownedBy(t.getMetadata().getLabels(), pipeline))
        .findFirst();
  }

  /**
   * Topics the spec no longer names: with deletion policy Delete they go; with Retain they are released
   * (our labels removed) and stay, records included.
   */
  private void releaseUndesired(StreamPipeline pipeline, Collection<KafkaTopic> owned, List<DesiredTopic> desired) {
    Set<String> wanted = desired.stream().map(DesiredTopic::resourceName).collect(Collectors.toSet());
    for (KafkaTopic topic : owned) {
      if (wanted.contains(topic.getMetadata().getName())) {
        continue;
      }
      var resource = client.resources(KafkaTopic.class).inNamespace(topic.getMetadata().getNamespace())
          .withName(topic.getMetadata().getName());
      if (PipelineChildren.deletesWithPipeline(pipeline.getSpec())) {
        LOG.info("Deleting KafkaTopic {} no longer in pipeline {}", topic.getMetadata().getName(),
            pipeline.getMetadata().getName());
        resource.delete();
      } else {
        LOG.info("Releasing KafkaTopic {} no longer in pipeline {} (deletion policy Retain)",
            topic.getMetadata().getName(), pipeline.getMetadata().getName());
        resource.edit(t -> {
          t.getMetadata().getLabels().remove(ChildLabels.MANAGED_BY);
          t.getMetadata().getLabels().remove(ChildLabels.PIPELINE);
          t.getMetadata().setOwnerReferences(List.of());
          return t;
        });
      }
    }
  }

  private static TopicStatus status(DesiredTopic topic, KafkaTopic actual, boolean managed) {
    boolean ready = isReady(actual);
    String message = ready ? null : notReadyMessage(actual);
    return new TopicStatus(topic.topic(), actual.getMetadata().getName(), topic.role(), managed, ready, message);
  }

  /** Ready as Strimzi reports it, for the KafkaTopic's current generation. */
  static boolean isReady(KafkaTopic topic) {
    if (topic.getStatus() == null || topic.getStatus().getConditions() == null) {
      return false;
    }
    long generation = Objects.requireNonNullElse(topic.getMetadata().getGeneration(), 0L);
    return topic.getStatus().getObservedGeneration() >= generation
        && readyCondition(topic).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static String notReadyMessage(KafkaTopic topic) {
    return readyCondition(topic)
        .filter(c -> !"True".equals(c.getStatus()))
        .map(c -> Objects.requireNonNullElse(c.getReason(), "NotReady") + ": "
            + Objects.requireNonNullElse(c.getMessage(), ""))
        .orElse("waiting for Strimzi to reconcile it");
  }

  private static Optional<Condition> readyCondition(KafkaTopic topic) {
    if (topic.getStatus() == null || topic.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return topic.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }
}
