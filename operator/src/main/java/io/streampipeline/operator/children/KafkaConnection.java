package io.streampipeline.operator.children;

import io.streampipeline.model.KafkaAuthenticationSpec;
import io.streampipeline.model.KafkaAuthenticationType;
import io.streampipeline.model.KafkaSpec;
import io.streampipeline.model.TrustedCertificateSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.status.Reasons;
import io.streampipeline.plan.KafkaClientSecurity;
import io.streampipeline.plan.PipelinePlans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a pipeline's job reaches Kafka, decided from its spec and the Strimzi listener it names: the bootstrap
 * servers, the Kafka client properties (file locations and config-provider references to mounted files, never a
 * secret value), the Secrets its Flink pods mount, and the KafkaUser the operator makes for it. Pure: the
 * reconciler reads the listener from the cluster, {@code render} assumes one.
 *
 * @param listener null without {@code spec.kafka.listener}: plaintext, no authentication
 * @param bootstrapServers {@code spec.kafka.bootstrapServers} when set, else the listener's address from the
 *     Kafka's status (null while Strimzi has not reported it), else Strimzi's plaintext bootstrap Service
 * @param authentication null without authentication
 * @param kafkaUser the KafkaUser the operator creates for the pipeline; null when the spec names a Secret or
 *     takes no authentication
 */
public record KafkaConnection(String listener, String bootstrapServers, String securityProtocol,
    KafkaAuthenticationType authentication, Map<String, String> kafkaProperties, List<MountedSecret> secrets,
    String kafkaUser) {

  /** The volume of the Secret with the user's credentials. */
  public static final String USER_VOLUME = "kafka-user";
  /** The volume of the Secret with the CA certificate the brokers' certificates are checked against. */
  public static final String CA_VOLUME = "kafka-ca";

  /**
   * A Secret the Flink pods mount, read only, with only {@code keys} projected (each to a file of its name).
   *
   * @param volume the pod volume's name, {@link #USER_VOLUME} or {@link #CA_VOLUME}
   */
  public record MountedSecret(String volume, String secretName, String mountPath, List<String> keys) {}

  public KafkaConnection {
    kafkaProperties = Map.copyOf(kafkaProperties);
    secrets = List.copyOf(secrets);
  }

  /** The name of the KafkaUser the operator creates for a pipeline; its principal is this name (CN=name for TLS). */
  public static String kafkaUserName(StreamPipeline pipeline) {
    return "streampipeline-" + pipeline.getMetadata().getName();
  }

  /** A pipeline without a listener: plaintext to its bootstrap servers or Strimzi's plaintext bootstrap Service. */
  public static KafkaConnection plaintext(StreamPipeline pipeline) {
    return new KafkaConnection(null, PipelinePlans.bootstrapServers(pipeline.getMetadata().getNamespace(),
        pipeline.getSpec()), "PLAINTEXT", null, Map.of(), List.of(), null);
  }

  /**
   * The connection when the pipeline's listener offers exactly what its spec asks, for {@code render}, which has
   * no cluster to read the Kafka resource from: a TLS listener (the usual production listener) taking the spec's
   * authentication, at {@code spec.kafka.bootstrapServers} or else Strimzi's bootstrap Service on port 9092 (the
   * operator takes the listener's own address from the Kafka's status).
   */
  public static KafkaConnection assumed(StreamPipeline pipeline) {
    KafkaSpec kafka = pipeline.getSpec().getKafka();
    if (kafka.getListener() == null) {
      return plaintext(pipeline);
    }
    return of(pipeline, new KafkaListener(kafka.getListener(), PipelinePlans.bootstrapServers(
        pipeline.getMetadata().getNamespace(), pipeline.getSpec()), true,
        kafka.getAuthentication() == null ? null : kafka.getAuthentication().getType().strimziType()));
  }

  /**
   * How the pipeline reaches {@code listener}, or why it cannot: authentication the listener does not take or
   * requires, TLS settings for a listener without TLS.
   *
   * @throws KafkaAccessRefused with the reason and a message naming the listener and the field
   */
  public static KafkaConnection of(StreamPipeline pipeline, KafkaListener listener) {
    KafkaSpec kafka = pipeline.getSpec().getKafka();
    KafkaAuthenticationSpec auth = kafka.getAuthentication();
    String name = "listener '" + listener.name() + "' of Kafka " + kafka.getCluster();
    if (listener.authentication() != null && auth == null) {
      throw new KafkaAccessRefused(Reasons.KAFKA_AUTHENTICATION_REQUIRED, name + " requires "
          + listener.authentication() + " authentication: set spec.kafka.authentication");
    }
    if (auth != null && !auth.getType().strimziType().equals(listener.authentication())) {
      throw new KafkaAccessRefused(Reasons.KAFKA_AUTHENTICATION_NOT_OFFERED, name + " does not take "
          + auth.getType().strimziType() + " authentication (spec.kafka.authentication.type); it takes "
          + (listener.authentication() == null ? "none" : listener.authentication()));
    }
    if (!listener.tls() && kafka.getTls() != null) {
      throw new KafkaAccessRefused(Reasons.KAFKA_TLS_NOT_OFFERED, name + " is not a TLS listener: remove"
          + " spec.kafka.tls");
    }
    List<MountedSecret> secrets = new ArrayList<>();
    Path caCertificate = null;
    if (listener.tls()) {
      TrustedCertificateSpec trusted = kafka.getTls() == null || kafka.getTls().getTrustedCertificate() == null
          ? new TrustedCertificateSpec(kafka.getCluster() + "-cluster-ca-cert", TrustedCertificateSpec.DEFAULT_KEY)
          : kafka.getTls().getTrustedCertificate();
      secrets.add(new MountedSecret(CA_VOLUME, trusted.getSecretName(), KafkaClientSecurity.CA_SECRET_MOUNT,
          List.of(trusted.getKey())));
      caCertificate = Path.of(KafkaClientSecurity.CA_SECRET_MOUNT, trusted.getKey());
    }
    String user = null;
    Map<String, String> properties;
    Path userDir = Path.of(KafkaClientSecurity.USER_SECRET_MOUNT);
    if (auth == null) {
      properties = caCertificate == null ? Map.of() : KafkaClientSecurity.tls(caCertificate);
    } else {
      user = auth.getSecretName() == null ? kafkaUserName(pipeline) : null;
      String secret = auth.getSecretName() == null ? user : auth.getSecretName();
      if (auth.getType() == KafkaAuthenticationType.SCRAM_SHA_512) {
        properties = KafkaClientSecurity.scramSha512(userDir, caCertificate);
        secrets.add(new MountedSecret(USER_VOLUME, secret, userDir.toString(), List.of("sasl.jaas.config")));
      } else {
        properties = KafkaClientSecurity.mutualTls(userDir, caCertificate);
        secrets.add(new MountedSecret(USER_VOLUME, secret, userDir.toString(), List.of("user.p12", "user.password")));
      }
    }
    boolean overridden = kafka.getBootstrapServers() != null && !kafka.getBootstrapServers().isBlank();
    return new KafkaConnection(listener.name(), overridden ? kafka.getBootstrapServers() : listener.bootstrapServers(),
        properties.getOrDefault("security.protocol", "PLAINTEXT"), auth == null ? null : auth.getType(), properties,
        secrets, user);
  }

  /**
   * The same connection with the user's credentials in {@code secretName}: Strimzi names the Secret of a KafkaUser
   * in its status, which may differ from the user's name (a User Operator with a Secret prefix).
   */
  public KafkaConnection withUserSecret(String secretName) {
    List<MountedSecret> renamed = secrets.stream().map(s -> USER_VOLUME.equals(s.volume())
        ? new MountedSecret(s.volume(), secretName, s.mountPath(), s.keys()) : s).toList();
    return new KafkaConnection(listener, bootstrapServers, securityProtocol, authentication, kafkaProperties, renamed,
        kafkaUser);
  }

  /** The Secret with the user's credentials; null without authentication. */
  public String userSecret() {
    return secrets.stream().filter(s -> USER_VOLUME.equals(s.volume())).map(MountedSecret::secretName).findFirst()
        .orElse(null);
  }
}
