package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.StreamPipelineStatus;
import io.streampipeline.operator.api.TopicStatus;
import io.streampipeline.operator.api.UpgradeCheckStatus;
import io.streampipeline.operator.children.ChildLabels;
import io.streampipeline.operator.children.KafkaAccessRefused;
import io.streampipeline.operator.children.KafkaConnection;
import io.streampipeline.operator.children.KafkaListener;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.operator.children.UpgradeCheckJob;
import io.streampipeline.operator.children.StateStorage;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.metrics.OperatorMetrics;
import io.streampipeline.operator.progress.JobProgressPoller;
import io.streampipeline.operator.status.Conditions;
import io.streampipeline.operator.status.EventRecorder;
import io.streampipeline.operator.status.PipelineStatusComputer;
import io.streampipeline.operator.status.Reasons;
import io.streampipeline.operator.status.TransitionEvents;
import io.streampipeline.operator.status.UpgradeHold;
import io.streampipeline.plan.Problem;
import io.streampipeline.plan.SpecValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a StreamPipeline: check what only the operator can check (the Kafka listener included), bring the
 * KafkaTopics and the KafkaUser to the spec, create or update the FlinkDeployment once every topic is Ready and the
 * credentials are usable (a change of a job with state only once an upgrade check says it keeps that state, see
 * {@link UpgradeGate}), and write what was observed to the status.
 * It holds no finalizer: children are removed by owner references, so nothing can hang a namespace.
 */
@ControllerConfiguration(name = "streampipeline")
public class StreamPipelineReconciler implements Reconciler<StreamPipeline> {

  private static final Logger LOG = LoggerFactory.getLogger(StreamPipelineReconciler.class);
  /** How often to look again while waiting on something no informer watches (CRDs, the Kafka cluster, foreign topics). */
  static final Duration RECHECK = Duration.ofSeconds(15);
  private static final String PIPELINE_KIND = HasMetadata.getKind(StreamPipeline.class);

  private final ClusterApis apis;
  private final TopicApplier topics;
  private final FlinkDeploymentApplier deployments;
  private final KafkaAccessGate accessGate;
  private final UpgradeGate upgrades;
  private final EventRecorder events;
  private final OperatorConfig config;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final JobProgressPoller progress;
  /** Every KafkaTopic in the watched namespaces, ours or not: foreign topics are found here without API calls. */
  private volatile InformerEventSource<KafkaTopic, StreamPipeline> allTopics;
  /** The Secrets labelled {@code strimzi.io/cluster}: Strimzi's user and CA Secrets, and user-made ones so labelled. */
  private volatile InformerEventSource<Secret, StreamPipeline> secrets;

  public StreamPipelineReconciler(KubernetesClient client, OperatorConfig config, Clock clock, OperatorMetrics metrics) {
    this.apis = new ClusterApis(client, clock);
    ChildRepairs repairs = new ChildRepairs();
    this.topics = new TopicApplier(client, repairs, clock);
    this.deployments = new FlinkDeploymentApplier(client, repairs, clock);
    this.accessGate = new KafkaAccessGate(client);
    this.upgrades = new UpgradeGate(new UpgradeChecks(client), repairs);
    this.events = new EventRecorder(client);
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.progress = new JobProgressPoller(config);
  }

  @Override
  public List<EventSource<?, StreamPipeline>> prepareEventSources(EventSourceContext<StreamPipeline> context) {
    metrics.countPhasesOf(() -> context.getPrimaryCache().list());
    allTopics = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(KafkaTopic.class, StreamPipeline.class)
            .withSecondaryToPrimaryMapper(topic -> pipelinesUsing(topic,
                context.getPrimaryCache().list(topic.getMetadata().getNamespace())))
            .build(), context);
    var deploymentSource = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(FlinkDeployment.class, StreamPipeline.class)
            .withLabelSelector(ChildLabels.SELECTOR)
            .withSecondaryToPrimaryMapper(StreamPipelineReconciler::pipelineOf)
            .build(), context);
    var userSource = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(KafkaUser.class, StreamPipeline.class)
            .withLabelSelector(ChildLabels.SELECTOR)
            .withSecondaryToPrimaryMapper(StreamPipelineReconciler::pipelineOf)
            .build(), context);
    // Only Secrets labelled strimzi.io/cluster (Strimzi's user and CA Secrets carry it): the operator's memory does
    // not grow with every Secret of the watched namespaces. A change reaches the pipelines of that cluster.
    secrets = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Secret.class, StreamPipeline.class)
            .withLabelSelector(ChildLabels.STRIMZI_CLUSTER)
            .withSecondaryToPrimaryMapper(secret -> pipelinesOfCluster(context, secret))
            .build(), context);
    var upgradeCheckSource = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Job.class, StreamPipeline.class)
            .withLabelSelector(UpgradeCheckJob.SELECTOR)
            .withSecondaryToPrimaryMapper(StreamPipelineReconciler::pipelineOf)
            .build(), context);
    return List.of(allTopics, deploymentSource, userSource, secrets, upgradeCheckSource, progress.eventSource(context));
  }

  private static Set<ResourceID> pipelinesOfCluster(EventSourceContext<StreamPipeline> context, Secret secret) {
    String cluster = secret.getMetadata().getLabels().get(ChildLabels.STRIMZI_CLUSTER);
    return context.getPrimaryCache().list(secret.getMetadata().getNamespace())
        .filter(p -> p.getSpec() != null && p.getSpec().getKafka() != null
            && p.getSpec().getKafka().getListener() != null && cluster.equals(p.getSpec().getKafka().getCluster()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /**
   * The pipeline a child belongs to: by its label, or else by its owner reference, so that a child whose label was
   * removed behind the operator's back still brings its pipeline's reconcile (which puts the label back).
   */
  private static Set<ResourceID> pipelineOf(HasMetadata child) {
    String pipeline = child.getMetadata().getLabels() == null ? null
        : child.getMetadata().getLabels().get(ChildLabels.PIPELINE);
    if (pipeline != null) {
      return Set.of(new ResourceID(pipeline, child.getMetadata().getNamespace()));
    }
    return child.getMetadata().getOwnerReferences() == null ? Set.of()
        : child.getMetadata().getOwnerReferences().stream()
            .filter(owner -> PIPELINE_KIND.equals(owner.getKind()))
            .map(owner -> new ResourceID(owner.getName(), child.getMetadata().getNamespace()))
            .collect(Collectors.toSet());
  }

  /**
   * The pipelines a KafkaTopic matters to: its owner's, and every pipeline of its namespace that names its Kafka
   * topic or resource name, so that a topic another pipeline or a person made (used as it is) or one whose label was
   * removed updates their status as soon as it changes, without polling.
   */
  private static Set<ResourceID> pipelinesUsing(KafkaTopic topic, Stream<StreamPipeline> inNamespace) {
    Set<ResourceID> pipelines = new HashSet<>(pipelineOf(topic));
    String topicName = topic.getSpec() == null ? null : topic.getSpec().getTopicName();
    inNamespace
        .filter(p -> p.getSpec() != null && PipelineChildren.topics(p.getSpec()).stream().anyMatch(t ->
            t.resourceName().equals(topic.getMetadata().getName()) || t.topic().equals(topicName)))
        .forEach(p -> pipelines.add(ResourceID.fromResource(p)));
    return pipelines;
  }

  @Override
  public UpdateControl<StreamPipeline> reconcile(StreamPipeline pipeline, Context<StreamPipeline> context) {
    List<Problem> problems = SpecValidator.validate(pipeline.getSpec());
    if (!problems.isEmpty()) {
      String message = problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
      return finish(pipeline, PipelineStatusComputer.blocked(pipeline, Phase.Failed, Reasons.INVALID_SPEC,
          "invalid spec: " + message, clock.instant()), null);
    }
    List<Problem> storageProblems = StateStorage.of(pipeline, config).problems();
    if (!storageProblems.isEmpty()) {
      String message = storageProblems.stream().map(Problem::toString).collect(Collectors.joining("; "));
      return finish(pipeline, PipelineStatusComputer.blocked(pipeline, Phase.Failed, Reasons.STATE_STORAGE_UNUSABLE,
          "state storage cannot work: " + message, clock.instant()), null);
    }
    Optional<String> missing = apis.missingApis();
    if (missing.isPresent()) {
      return finish(pipeline, PipelineStatusComputer.blocked(pipeline, Phase.Pending, Reasons.MISSING_APIS,
          missing.get(), clock.instant()), RECHECK);
    }
    String namespace = pipeline.getMetadata().getNamespace();
    String cluster = pipeline.getSpec().getKafka().getCluster();
    Optional<Kafka> kafka = apis.kafkaCluster(namespace, cluster);
    if (kafka.isEmpty()) {
      return finish(pipeline, PipelineStatusComputer.blocked(pipeline, Phase.Pending, Reasons.KAFKA_CLUSTER_NOT_FOUND,
          "Kafka cluster '" + cluster + "' (kafka.strimzi.io Kafka) does not exist in namespace " + namespace,
          clock.instant()), RECHECK);
    }
    KafkaConnection connection;
    try {
      connection = connection(pipeline, kafka.get());
    } catch (KafkaAccessRefused refused) {
      return refused(pipeline, refused);
    }

    String name = pipeline.getMetadata().getName();
    var owned = context.getSecondaryResources(KafkaTopic.class).stream()
        .filter(t -> ChildLabels.ownedBy(t.getMetadata().getLabels(), name))
        .toList();
    List<KafkaTopic> inNamespace = allTopics.list(namespace, t -> true).toList();
    List<ChildRepairs.HeldBack> heldBack = new ArrayList<>();
    List<TopicStatus> topicStatuses = topics.apply(pipeline, owned, inNamespace, heldBack);
    boolean topicsReady = topicStatuses.stream().allMatch(TopicStatus::isReady);

    KafkaAccessGate.Verdict access;
    try {
      String userName = connection.kafkaUser();
      access = accessGate.apply(pipeline, connection, context.getSecondaryResources(KafkaUser.class).stream()
          .filter(u -> u.getMetadata().getName().equals(userName)).findFirst(),
          secret -> secrets.get(new ResourceID(secret, namespace)));
    } catch (KafkaAccessRefused refused) {
      return refused(pipeline, refused);
    }

    FlinkDeployment deployment = context.getSecondaryResource(FlinkDeployment.class).orElse(null);
    UpgradeHold hold = null;
    UpgradeCheckStatus upgradeCheck = pipeline.getStatus() == null ? null : pipeline.getStatus().getUpgradeCheck();
    if (topicsReady && access.observation().ready()) {
      UpgradeGate.Decision decision = upgrades.decide(pipeline, PipelineChildren.flinkDeployment(pipeline, config,
          access.connectionUsed(), access.credentialsVersion()), deployment, context.getSecondaryResources(Job.class));
      if (decision.apply() != null) {
        deployment = deployments.apply(decision.apply(), deployment, heldBack);
      }
      hold = decision.hold();
      upgradeCheck = decision.check();
    }
    StreamPipelineStatus status = PipelineStatusComputer.observed(pipeline, topicStatuses, access.observation(),
        deployment, hold, progress.latest(pipeline).orElse(null), JobProgressPoller.threshold(pipeline),
        clock.instant());
    status.setUpgradeCheck(upgradeCheck);
    if (!heldBack.isEmpty()) {
      // Someone keeps changing a child: say so, and look again when the next repair is allowed.
      Instant now = clock.instant();
      status = PipelineStatusComputer.childrenHeldBack(pipeline, status,
          heldBack.stream().map(ChildRepairs.HeldBack::message).collect(Collectors.joining("; ")), now);
      Instant next = heldBack.stream().map(ChildRepairs.HeldBack::until).min(Instant::compareTo).orElseThrow();
      return finish(pipeline, status, Duration.between(now, next).plusSeconds(1));
    }
    // Unwatched: foreign topics, an upgrade's deadline, and a Secret or the Kafka's listeners that may yet change.
    boolean waitingOnUnwatched = topicStatuses.stream().anyMatch(t -> !t.isManaged() && !t.isReady())
        || status.getPhase() == Phase.Upgrading || !access.observation().ready();
    return finish(pipeline, status, waitingOnUnwatched ? RECHECK : null);
  }

  /**
   * How the job reaches the Kafka cluster: plaintext without a listener, else as the listener in the Kafka's spec
   * and status allows.
   *
   * @throws KafkaAccessRefused when the listener is unknown, not reported yet, or does not take what the spec asks
   */
  private KafkaConnection connection(StreamPipeline pipeline, Kafka kafka) {
    String name = pipeline.getSpec().getKafka().getListener();
    if (name == null) {
      return KafkaConnection.plaintext(pipeline);
    }
    String cluster = "Kafka " + pipeline.getSpec().getKafka().getCluster();
    KafkaListener listener = KafkaListener.find(kafka, name).orElseThrow(() -> new KafkaAccessRefused(
        Reasons.KAFKA_LISTENER_NOT_FOUND, cluster + " has no listener '" + name + "' (spec.kafka.listener); its"
            + " listeners: " + String.join(", ", KafkaListener.names(kafka))));
    KafkaConnection connection = KafkaConnection.of(pipeline, listener);
    if (connection.bootstrapServers() == null) {
      throw new KafkaAccessRefused(Reasons.KAFKA_LISTENER_NOT_READY, "Strimzi has not reported the address of"
          + " listener '" + name + "' in the status of " + cluster + " yet");
    }
    if (connection.kafkaUser() != null) {
      Optional<String> missing = apis.missingKafkaUserApi();
      if (missing.isPresent()) {
        throw new KafkaAccessRefused(Reasons.MISSING_APIS, missing.get());
      }
    }
    return connection;
  }

  /** Nothing is deployed; a refusal that needs a change is Failed, one that may resolve itself is Pending. */
  private UpdateControl<StreamPipeline> refused(StreamPipeline pipeline, KafkaAccessRefused refused) {
    boolean needsChange = Conditions.isStalledReason(refused.reason());
    return finish(pipeline, PipelineStatusComputer.blocked(pipeline, needsChange ? Phase.Failed : Phase.Pending,
        refused.reason(), refused.getMessage(), clock.instant()), RECHECK);
  }

  /** Writes the status only when it changed, so that a resync of a settled pipeline makes no API call. */
  private UpdateControl<StreamPipeline> finish(StreamPipeline pipeline, StreamPipelineStatus status, Duration recheck) {
    StreamPipelineStatus before = pipeline.getStatus();
    UpdateControl<StreamPipeline> control;
    if (status.equals(before)) {
      control = UpdateControl.noUpdate();
    } else {
      TransitionEvents.emit(events, pipeline, before, status);
      metrics.statusChanged(before, status, clock.instant());
      control = UpdateControl.patchStatus(withStatus(pipeline, status));
    }
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }

  @Override
  public ErrorStatusUpdateControl<StreamPipeline> updateErrorStatus(StreamPipeline pipeline,
      Context<StreamPipeline> context, Exception e) {
    if (e instanceof KubernetesClientException k && k.getCode() == 409) {
      // A write raced another writer; the retry reads the new state. Not worth a status or an event.
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    LOG.warn("Reconciling {}/{} failed: {}", pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
        e.getMessage());
    StreamPipelineStatus status = PipelineStatusComputer.blocked(pipeline,
        pipeline.getStatus() == null || pipeline.getStatus().getPhase() == null ? Phase.Pending
            : pipeline.getStatus().getPhase(),
        Reasons.RECONCILE_ERROR, "reconcile failed, retrying: " + e.getMessage(), clock.instant());
    if (status.equals(pipeline.getStatus())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    TransitionEvents.emit(events, pipeline, pipeline.getStatus(), status);
    return ErrorStatusUpdateControl.patchStatus(withStatus(pipeline, status));
  }

  /**
   * The pipeline to apply as its status. Without a resourceVersion: the status is this controller's alone and
   * computed from the latest observation, so a concurrent spec edit must not fail the write (the edit brings
   * its own reconcile).
   */
  private static StreamPipeline withStatus(StreamPipeline pipeline, StreamPipelineStatus status) {
    pipeline.setStatus(status);
    pipeline.getMetadata().setManagedFields(null);
    pipeline.getMetadata().setResourceVersion(null);
    return pipeline;
  }
}
