package io.streampipeline.e2e.local;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.kafka.local.UserSecret;
import io.streampipeline.operator.testing.StatusWrites;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserStatus;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A STAND-IN for Strimzi's User Operator, which cannot run here: it makes the users of the {@code KafkaUser}s in one
 * namespace exist on one secured broker ({@link LocalKafkaBroker#startSecured()}) and reports them as Strimzi does.
 *
 * <p>What it does: for {@code scram-sha-512}, creates the SCRAM-SHA-512 credential with a new random password through
 * the Admin API; for {@code tls}, issues a client certificate {@code CN=<name>} signed by the broker's CA. It writes
 * the user's Secret in Strimzi's layout ({@link UserSecret}: {@code password} and {@code sasl.jaas.config}, or
 * {@code ca.crt}, {@code user.crt}, {@code user.key}, {@code user.p12}, {@code user.password}), named after the user,
 * labelled {@code strimzi.io/cluster} and {@code strimzi.io/kind: KafkaUser}, owned by the KafkaUser; makes the
 * principal's ACLs on the broker exactly the KafkaUser's {@code simple} authorization ({@code operations} form,
 * allow, host {@code *}); and writes {@code Ready}, {@code observedGeneration}, {@code username} and {@code secret}.
 * A user's Secret that is deleted is made again with a new password, as Strimzi does (the way to rotate one). A
 * deleted KafkaUser takes its ACLs, its SCRAM credential and its Secret along.
 *
 * <p>What it does not do: quotas, {@code spec.template}, a password given in the spec, Secret prefixes, the
 * deprecated {@code operation} form, deny rules, hosts other than {@code *}, cluster resources, certificate renewal
 * (no clients CA of its own: the broker's CA signs), periodic reconciliation (it reacts to events only), no
 * finalizer, no {@code strimzi.io/cluster} label selection (every KafkaUser of the namespace is served).
 */
public final class StrimziUserOperatorStandIn implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StrimziUserOperatorStandIn.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String cluster;
  private final LocalKafkaBroker broker;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "user-stand-in"));
  /** Every secret value this stand-in issued, for tests that look for them where they must not be. */
  private final Set<String> issued = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public StrimziUserOperatorStandIn(KubernetesClient client, String namespace, String cluster, LocalKafkaBroker broker) {
    this.client = client;
    this.namespace = namespace;
    this.cluster = cluster;
    this.broker = broker;
  }

  public StrimziUserOperatorStandIn start() {
    informers.add(client.resources(KafkaUser.class).inNamespace(namespace).inform(new SerialHandler<>(worker,
        user -> reconcile(user.getMetadata().getName()), this::deleted)));
    // A user's Secret deleted by someone: Strimzi makes it again, with new credentials.
    informers.add(client.secrets().inNamespace(namespace).withLabel("strimzi.io/kind", "KafkaUser")
        .inform(new SerialHandler<>(worker, secret -> { }, secret -> reconcile(secret.getMetadata().getName()))));
    LOG.info("Strimzi User Operator stand-in watching KafkaUsers in {}", namespace);
    return this;
  }

  /** The passwords this stand-in made, which must appear nowhere but in the users' Secrets. */
  public Set<String> issuedSecrets() {
    return Set.copyOf(issued);
  }

  private void reconcile(String name) {
    KafkaUser user = client.resources(KafkaUser.class).inNamespace(namespace).withName(name).get();
    if (user == null || user.getMetadata().getDeletionTimestamp() != null || upToDate(user)) {
      return;
    }
    try {
      boolean tls = user.getSpec().getAuthentication() instanceof KafkaUserTlsClientAuthentication;
      if (client.secrets().inNamespace(namespace).withName(name).get() == null) {
        UserSecret credentials = tls ? UserSecret.mutualTls(broker, name) : UserSecret.scramSha512(broker, name);
        issued.add(credentials.password());
        client.resource(secret(user, credentials)).create();
      }
      String principal = (tls ? "User:CN=" : "User:") + name;
      syncAcls(principal, user);
      writeStatus(name, "True", null, null);
      LOG.info("KafkaUser {} ready ({})", name, principal);
    } catch (Exception e) {
      LOG.warn("KafkaUser {} not ready: {}", name, e.toString());
      writeStatus(name, "False", e.getClass().getSimpleName(), e.getMessage());
    }
  }

  private Secret secret(KafkaUser user, UserSecret credentials) {
    Map<String, String> data = new LinkedHashMap<>();
    credentials.data().forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value)));
    return new SecretBuilder()
        .withNewMetadata()
          .withName(user.getMetadata().getName())
          .withNamespace(namespace)
          .addToLabels("strimzi.io/cluster", cluster)
          .addToLabels("strimzi.io/kind", "KafkaUser")
          .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(user.getApiVersion())
              .withKind(user.getKind()).withName(user.getMetadata().getName()).withUid(user.getMetadata().getUid())
              .withController(false).withBlockOwnerDeletion(false).build())
        .endMetadata()
        .withData(data)
        .build();
  }

  /** The principal's ACLs on the broker become exactly the KafkaUser's: missing ones created, others deleted. */
  private void syncAcls(String principal, KafkaUser user) throws Exception {
    Admin admin = broker.admin();
    Set<AclBinding> desired = new HashSet<>(acls(principal, user));
    AclBindingFilter ofPrincipal = new AclBindingFilter(ResourcePatternFilter.ANY,
        new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
    Collection<AclBinding> existing = admin.describeAcls(ofPrincipal).values().get(30, TimeUnit.SECONDS);
    List<AclBindingFilter> stale = existing.stream().filter(b -> !desired.contains(b)).map(AclBinding::toFilter)
        .toList();
    if (!stale.isEmpty()) {
      admin.deleteAcls(stale).all().get(30, TimeUnit.SECONDS);
    }
    desired.removeAll(existing);
    if (!desired.isEmpty()) {
      admin.createAcls(desired).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<AclBinding> acls(String principal, KafkaUser user) {
    if (!(user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple) || simple.getAcls() == null) {
      return List.of();
    }
    List<AclBinding> bindings = new ArrayList<>();
    for (AclRule rule : simple.getAcls()) {
      ResourcePattern resource = resource(rule);
      for (io.strimzi.api.kafka.model.user.acl.AclOperation operation : rule.getOperations()) {
        bindings.add(new AclBinding(resource, new AccessControlEntry(principal, "*", operation(operation),
            AclPermissionType.ALLOW)));
      }
    }
    return bindings;
  }

  private static ResourcePattern resource(AclRule rule) {
    if (rule.getResource() instanceof AclRuleTopicResource topic) {
      return new ResourcePattern(ResourceType.TOPIC, topic.getName(), pattern(topic.getPatternType()));
    }
    if (rule.getResource() instanceof AclRuleGroupResource group) {
      return new ResourcePattern(ResourceType.GROUP, group.getName(), pattern(group.getPatternType()));
    }
    if (rule.getResource() instanceof AclRuleTransactionalIdResource id) {
      return new ResourcePattern(ResourceType.TRANSACTIONAL_ID, id.getName(), pattern(id.getPatternType()));
    }
    throw new IllegalArgumentException("this stand-in does not apply ACLs on " + rule.getResource().getType());
  }

  private static PatternType pattern(AclResourcePatternType type) {
    return type == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
  }

  /** Strimzi's operation names are Kafka's without the underscore ({@code IdempotentWrite}). */
  private static AclOperation operation(io.strimzi.api.kafka.model.user.acl.AclOperation operation) {
    for (AclOperation kafka : AclOperation.values()) {
      if (kafka.name().replace("_", "").equals(operation.name())) {
        return kafka;
      }
    }
    throw new IllegalArgumentException("unknown ACL operation " + operation);
  }

  private void deleted(KafkaUser user) {
    String name = user.getMetadata().getName();
    boolean tls = user.getSpec().getAuthentication() instanceof KafkaUserTlsClientAuthentication;
    String principal = (tls ? "User:CN=" : "User:") + name;
    try {
      broker.admin().deleteAcls(List.of(new AclBindingFilter(ResourcePatternFilter.ANY,
          new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY))))
          .all().get(30, TimeUnit.SECONDS);
      if (!tls) {
        broker.admin().alterUserScramCredentials(List.of(new UserScramCredentialDeletion(name,
            ScramMechanism.SCRAM_SHA_512))).all().get(30, TimeUnit.SECONDS);
      }
      client.secrets().inNamespace(namespace).withName(name).delete();
      LOG.info("KafkaUser {} deleted: its ACLs, credential and Secret too", name);
    } catch (Exception e) {
      LOG.warn("KafkaUser {} deleted: cannot clean up: {}", name, e.toString());
    }
  }

  /** Ready at this generation and its Secret there: our own status writes come back as updates. */
  private boolean upToDate(KafkaUser user) {
    KafkaUserStatus status = user.getStatus();
    return status != null && Objects.equals(status.getObservedGeneration(), user.getMetadata().getGeneration())
        && status.getConditions() != null && status.getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
        && client.secrets().inNamespace(namespace).withName(user.getMetadata().getName()).get() != null;
  }

  private void writeStatus(String name, String ready, String reason, String message) {
    StatusWrites.update(client, client.resources(KafkaUser.class).inNamespace(namespace).withName(name), current -> {
      KafkaUserStatus status = new KafkaUserStatus();
      status.setObservedGeneration(current.getMetadata().getGeneration());
      status.setUsername("True".equals(ready) && current.getSpec().getAuthentication()
          instanceof KafkaUserTlsClientAuthentication ? "CN=" + name : name);
      status.setSecret(name);
      status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready).withReason(reason)
          .withMessage(message).withLastTransitionTime(Instant.now().toString()).build()));
      current.setStatus(status);
    });
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    worker.shutdown();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
