package io.streampipeline.plan;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka client properties that make a pipeline's clients authenticate, as {@link PipelinePlan#kafkaProperties()}
 * carries them: file locations and references to files, never a secret value. Secrets are read by Kafka's
 * {@code DirectoryConfigProvider} from a directory holding one file per key of a Secret in the layout Strimzi's
 * User Operator writes ({@code sasl.jaas.config} and {@code password} for SCRAM; {@code user.p12},
 * {@code user.password}, {@code user.crt}, {@code user.key}, {@code ca.crt} for mutual TLS), which is what
 * Kubernetes makes of a Secret mounted as a volume.
 */
public final class KafkaClientSecurity {

  /** Where the pipeline's Flink pods mount the Kafka user's Secret. */
  public static final String USER_SECRET_MOUNT = "/etc/streampipeline/kafka/user";

  /** Where the pipeline's Flink pods mount the Secret holding the cluster CA's certificate. */
  public static final String CA_SECRET_MOUNT = "/etc/streampipeline/kafka/ca";

  /** The name the clients give the config provider that reads secrets from files. */
  private static final String PROVIDER = "directory";

  private static final String PROVIDER_CLASS = "org.apache.kafka.common.config.provider.DirectoryConfigProvider";

  private KafkaClientSecurity() {}

  /**
   * A client of a listener that takes SCRAM-SHA-512: over TLS trusting {@code caCertificate}, or over plaintext
   * when it is null. The JAAS configuration is the Secret's {@code sasl.jaas.config}, read from {@code userDir}.
   */
  public static Map<String, String> scramSha512(Path userDir, Path caCertificate) {
    Map<String, String> properties = caCertificate == null ? new LinkedHashMap<>() : tls(caCertificate);
    properties.put("security.protocol", caCertificate == null ? "SASL_PLAINTEXT" : "SASL_SSL");
    properties.put("sasl.mechanism", "SCRAM-SHA-512");
    properties.putAll(provider());
    properties.put("sasl.jaas.config", reference(userDir, "sasl.jaas.config"));
    return properties;
  }

  /** A client authenticated by its certificate: the Secret's {@code user.p12}, opened with its {@code user.password}. */
  public static Map<String, String> mutualTls(Path userDir, Path caCertificate) {
    Map<String, String> properties = tls(caCertificate);
    properties.putAll(provider());
    properties.put("ssl.keystore.type", "PKCS12");
    properties.put("ssl.keystore.location", userDir.resolve("user.p12").toString());
    properties.put("ssl.keystore.password", reference(userDir, "user.password"));
    return properties;
  }

  /** A client of a TLS listener without authentication: it only needs to trust the broker's certificate. */
  public static Map<String, String> tls(Path caCertificate) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("security.protocol", "SSL");
    properties.put("ssl.truststore.type", "PEM");
    properties.put("ssl.truststore.location", caCertificate.toString());
    return properties;
  }

  private static Map<String, String> provider() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("config.providers", PROVIDER);
    properties.put("config.providers." + PROVIDER + ".class", PROVIDER_CLASS);
    return properties;
  }

  /** {@code ${directory:<dir>:<key>}}: the content of the file {@code <dir>/<key>}, read when a client starts. */
  private static String reference(Path dir, String key) {
    return "${" + PROVIDER + ":" + dir + ":" + key + "}";
  }
}
