package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.operator.api.KafkaAccessStatus;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.children.ChildLabels;
import io.streampipeline.operator.children.KafkaAccessRefused;
import io.streampipeline.operator.children.KafkaConnection;
import io.streampipeline.operator.children.KafkaConnection.MountedSecret;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.operator.status.KafkaAccessObservation;
import io.streampipeline.operator.status.Reasons;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's way into Kafka, on the cluster's side: brings the KafkaUser the operator makes for it to the spec,
 * and judges whether the credentials the Flink pods mount are usable (the KafkaUser Ready for its generation, every
 * Secret present with the keys the clients read). Of a Secret it looks only at names, keys and the
 * resourceVersion; its values are never put in a message, a log line or the FlinkDeployment.
 */
final class KafkaAccessGate {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessGate.class);

  private final KubernetesClient client;

  KafkaAccessGate(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param connection the connection with the user's Secret as the spec names it
   * @param connectionUsed the connection the job gets (the KafkaUser's Secret as Strimzi reports it)
   * @param credentialsVersion changes whenever a mounted Secret changes; null without Secrets
   */
  record Verdict(KafkaConnection connectionUsed, KafkaAccessObservation observation, Long credentialsVersion) {}

  /**
   * @param ownUser this pipeline's KafkaUser from the informer cache, if any
   * @param watchedSecret a Secret by name from the informer over Secrets labelled {@code strimzi.io/cluster}
   * @throws KafkaAccessRefused when a KafkaUser of the pipeline's user name exists and is not the pipeline's
   */
  Verdict apply(StreamPipeline pipeline, KafkaConnection connection, Optional<KafkaUser> ownUser,
      Function<String, Optional<Secret>> watchedSecret) {
    KafkaConnection used = connection;
    if (connection.kafkaUser() != null) {
      KafkaUser user = applyUser(pipeline, connection, ownUser.orElse(null));
      Optional<KafkaAccessObservation> notReady = userNotReady(user, status(used, false));
      if (notReady.isPresent()) {
        return new Verdict(used, notReady.get(), null);
      }
      used = connection.withUserSecret(Objects.requireNonNullElse(user.getStatus().getSecret(), connection.kafkaUser()));
    }
    StringBuilder versions = new StringBuilder();
    for (MountedSecret mounted : used.secrets()) {
      String namespace = pipeline.getMetadata().getNamespace();
      Secret secret = watchedSecret.apply(mounted.secretName()).orElseGet(() -> unwatched(namespace, mounted));
      String role = role(pipeline, used, mounted);
      if (secret == null) {
        return refused(used, Reasons.KAFKA_SECRET_NOT_FOUND, "Secret " + mounted.secretName() + " (" + role
            + ") does not exist in namespace " + namespace);
      }
      if (!watched(secret)) {
        return refused(used, Reasons.KAFKA_SECRET_NOT_WATCHED, "Secret " + mounted.secretName() + " (" + role
            + ") has no label " + ChildLabels.STRIMZI_CLUSTER + ": label it " + ChildLabels.STRIMZI_CLUSTER + "="
            + pipeline.getSpec().getKafka().getCluster() + " so that the operator sees it change (Strimzi's own"
            + " Secrets carry it)");
      }
      Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
      List<String> missing = mounted.keys().stream().filter(key -> !data.containsKey(key)).toList();
      if (!missing.isEmpty()) {
        return refused(used, Reasons.KAFKA_SECRET_KEY_MISSING, "Secret " + mounted.secretName() + " (" + role
            + ") has no key " + String.join(", ", missing) + "; its keys: " + String.join(", ", data.keySet()));
      }
      versions.append(mounted.secretName()).append('=').append(secret.getMetadata().getResourceVersion()).append(';');
    }
    return new Verdict(used, KafkaAccessObservation.ready(status(used, true)),
        versions.length() == 0 ? null : version(versions.toString()));
  }

  /** What the status shows of a connection: never a secret value, only names. */
  static KafkaAccessStatus status(KafkaConnection connection, boolean credentialsReady) {
    return new KafkaAccessStatus(connection.listener(), connection.bootstrapServers(), connection.securityProtocol(),
        connection.authentication() == null ? null : connection.authentication().strimziType(),
        connection.kafkaUser(), connection.userSecret(), credentialsReady);
  }

  private KafkaUser applyUser(StreamPipeline pipeline, KafkaConnection connection, KafkaUser own) {
    KafkaUser desired = PipelineChildren.kafkaUser(pipeline, connection);
    KafkaUser actual = own;
    if (actual == null) {
      // Not in the cache of our own users: one of that name may still exist, made by someone else.
      KafkaUser other = client.resources(KafkaUser.class).inNamespace(pipeline.getMetadata().getNamespace())
          .withName(connection.kafkaUser()).get();
      if (other != null && !ChildLabels.ownedBy(other.getMetadata().getLabels(), pipeline.getMetadata().getName())) {
        throw new KafkaAccessRefused(Reasons.KAFKA_USER_CONFLICT, "KafkaUser " + connection.kafkaUser()
            + " exists and was not created by this pipeline; delete it, or name its Secret in"
            + " spec.kafka.authentication.secretName");
      }
      actual = other;
    }
    if (!ChildDiff.needsApply(desired, actual, desired.getSpec(), actual == null ? null : actual.getSpec())) {
      return actual;
    }
    LOG.info("{} KafkaUser {}/{}", actual == null ? "Creating" : "Updating", desired.getMetadata().getNamespace(),
        desired.getMetadata().getName());
    return client.resource(desired).fieldManager(FieldManager.NAME).forceConflicts().serverSideApply();
  }

  /** Why the KafkaUser is not usable yet; empty when Strimzi reports it Ready for its current generation. */
  private static Optional<KafkaAccessObservation> userNotReady(KafkaUser user, KafkaAccessStatus status) {
    String name = user.getMetadata().getName();
    List<Condition> conditions = user.getStatus() == null || user.getStatus().getConditions() == null ? List.of()
        : user.getStatus().getConditions();
    boolean current = user.getStatus() != null
        && Objects.equals(user.getStatus().getObservedGeneration(), user.getMetadata().getGeneration());
    Optional<Condition> ready = conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    if (current && ready.isPresent() && "True".equals(ready.get().getStatus())) {
      return Optional.empty();
    }
    if (current && ready.isPresent() && "False".equals(ready.get().getStatus())) {
      return Optional.of(new KafkaAccessObservation(status, Reasons.KAFKA_USER_REFUSED, "Strimzi refused KafkaUser "
          + name + ": " + Objects.requireNonNullElse(ready.get().getReason(), "no reason")
          + (ready.get().getMessage() == null ? "" : ": " + ready.get().getMessage())));
    }
    return Optional.of(new KafkaAccessObservation(status, Reasons.KAFKA_USER_NOT_READY,
        "waiting for Strimzi's User Operator to make KafkaUser " + name + " Ready"));
  }

  private Secret unwatched(String namespace, MountedSecret mounted) {
    return client.secrets().inNamespace(namespace).withName(mounted.secretName()).get();
  }

  private static boolean watched(Secret secret) {
    return secret.getMetadata().getLabels() != null
        && secret.getMetadata().getLabels().containsKey(ChildLabels.STRIMZI_CLUSTER);
  }

  private static String role(StreamPipeline pipeline, KafkaConnection connection, MountedSecret mounted) {
    if (KafkaConnection.CA_VOLUME.equals(mounted.volume())) {
      return pipeline.getSpec().getKafka().getTls() == null ? "the cluster CA certificate"
          : "spec.kafka.tls.trustedCertificate";
    }
    return connection.kafkaUser() == null ? "spec.kafka.authentication.secretName"
        : "the Secret of KafkaUser " + connection.kafkaUser();
  }

  private static Verdict refused(KafkaConnection used, String reason, String message) {
    return new Verdict(used, new KafkaAccessObservation(status(used, false), reason, message), null);
  }

  /** A positive number that stands for the Secrets' versions: the digest of their names and resourceVersions. */
  private static long version(String versions) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(versions.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
