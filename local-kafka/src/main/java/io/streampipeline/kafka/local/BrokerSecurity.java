package io.streampipeline.kafka.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What makes a local broker a secured one, as a production Strimzi cluster is: a CA of its own, a broker
 * certificate, KRaft's {@code StandardAuthorizer} with no access for anyone without an ACL, and two super
 * users, the broker itself ({@code User:CN=broker}, for its controller and inter-broker connections over
 * mutual TLS) and the test harness ({@code User:CN=admin}, over the mutual-TLS listener).
 *
 * <p>The key stores' password is a constant: they protect throw-away keys of a test broker, in its
 * temporary directory.
 */
final class BrokerSecurity {

  static final String BROKER_PRINCIPAL = "User:CN=broker";
  static final String ADMIN_PRINCIPAL = "User:CN=admin";
  private static final String STORE_PASSWORD = "local-kafka";

  private final CertificateAuthority ca;
  private final Path caCertificate;
  private final Path brokerKeyStore;
  private final Path adminKeyStore;

  private BrokerSecurity(CertificateAuthority ca, Path caCertificate, Path brokerKeyStore, Path adminKeyStore) {
    this.ca = ca;
    this.caCertificate = caCertificate;
    this.brokerKeyStore = brokerKeyStore;
    this.adminKeyStore = adminKeyStore;
  }

  /** A new CA, the broker's and the harness's key stores, in {@code dir}. */
  static BrokerSecurity create(Path dir) {
    CertificateAuthority ca = CertificateAuthority.create("local-kafka-ca");
    Path caCertificate = dir.resolve("ca.crt");
    Path brokerKeyStore = dir.resolve("broker.p12");
    Path adminKeyStore = dir.resolve("admin.p12");
    try {
      Files.writeString(caCertificate, ca.certificatePem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + caCertificate, e);
    }
    ca.issueServer("broker").writePkcs12(brokerKeyStore, STORE_PASSWORD);
    ca.issueClient("admin").writePkcs12(adminKeyStore, STORE_PASSWORD);
    return new BrokerSecurity(ca, caCertificate, brokerKeyStore, adminKeyStore);
  }

  CertificateAuthority ca() {
    return ca;
  }

  Path caCertificate() {
    return caCertificate;
  }

  /** TLS on every listener but PLAINTEXT, client certificates on MTLS and CONTROLLER, SCRAM on SCRAM_SHA_512. */
  void configure(Properties broker) {
    broker.put("ssl.keystore.type", "PKCS12");
    broker.put("ssl.keystore.location", brokerKeyStore.toString());
    broker.put("ssl.keystore.password", STORE_PASSWORD);
    broker.put("ssl.truststore.type", "PEM");
    broker.put("ssl.truststore.location", caCertificate.toString());
    broker.put("listener.name.mtls.ssl.client.auth", "required");
    broker.put("listener.name.controller.ssl.client.auth", "required");
    broker.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    broker.put("listener.name.scram_sha_512.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    broker.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    broker.put("allow.everyone.if.no.acl.found", "false");
    broker.put("super.users", BROKER_PRINCIPAL + ";" + ADMIN_PRINCIPAL);
  }

  /** What a client of {@code listener} needs besides its credentials: the protocol and trust in the broker's CA. */
  Map<String, Object> clientConfig(LocalKafkaBroker.Listener listener) {
    Map<String, Object> config = new HashMap<>();
    config.put("security.protocol", listener.protocol());
    if (listener != LocalKafkaBroker.Listener.PLAINTEXT) {
      config.put("ssl.truststore.type", "PEM");
      config.put("ssl.truststore.location", caCertificate.toString());
    }
    if (listener == LocalKafkaBroker.Listener.SCRAM_SHA_512) {
      config.put("sasl.mechanism", "SCRAM-SHA-512");
    }
    return config;
  }

  /** The harness's super user on the MTLS listener. */
  Map<String, Object> adminConfig() {
    Map<String, Object> config = clientConfig(LocalKafkaBroker.Listener.MTLS);
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.keystore.location", adminKeyStore.toString());
    config.put("ssl.keystore.password", STORE_PASSWORD);
    return config;
  }
}
