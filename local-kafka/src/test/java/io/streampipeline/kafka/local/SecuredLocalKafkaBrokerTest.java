package io.streampipeline.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streampipeline.kafka.local.LocalKafkaBroker.Listener;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secured broker: who may connect on which listener, and that nobody may do anything without an ACL. */
class SecuredLocalKafkaBrokerTest {

  private static LocalKafkaBroker kafka;

  @TempDir
  Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = LocalKafkaBroker.startSecured();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  void nobodyMayWriteWithoutAnAcl() {
    kafka.createTopic("closed", 1, Map.of());
    kafka.createScramUser("carol", "carol-secret");
    Map<String, Object> scram = withScram(kafka.clientConfig(Listener.SCRAM_SHA_512), "carol", "carol-secret");
    for (Map<String, Object> client : List.of(kafka.clientConfig(Listener.PLAINTEXT), kafka.clientConfig(Listener.TLS),
        scram)) {
      assertThatThrownBy(() -> send(client, "closed"))
          .as("%s", client.get("security.protocol"))
          .hasCauseInstanceOf(AuthorizationException.class);
    }
  }

  @Test
  void scramUserWritesWhatItsAclAllows() throws Exception {
    kafka.createTopic("scram-topic", 1, Map.of());
    kafka.createScramUser("alice", "alice-secret");
    allowWrite("User:alice", "scram-topic");

    send(withScram(kafka.clientConfig(Listener.SCRAM_SHA_512), "alice", "alice-secret"), "scram-topic");
    assertThatThrownBy(() -> send(withScram(kafka.clientConfig(Listener.SCRAM_SHA_512), "alice", "wrong"), "scram-topic"))
        .hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void mutualTlsUserIsItsCertificatesCommonName() throws Exception {
    kafka.createTopic("mtls-topic", 1, Map.of());
    allowWrite("User:CN=bob", "mtls-topic");

    send(withKeyStore(kafka.clientConfig(Listener.MTLS), kafka.certificateAuthority().issueClient("bob")), "mtls-topic");
    CertificateAuthority stranger = CertificateAuthority.create("stranger-ca");
    assertThatThrownBy(() -> send(withKeyStore(kafka.clientConfig(Listener.MTLS), stranger.issueClient("bob")),
        "mtls-topic")).hasCauseInstanceOf(SslAuthenticationException.class);
  }

  @Test
  void superUserAdministersOverMutualTls() throws Exception {
    try (Admin admin = Admin.create(kafka.superUserClientConfig())) {
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
    }
    assertThat(kafka.superUserClientConfig()).containsEntry("bootstrap.servers", kafka.bootstrapServers(Listener.MTLS));
  }

  private void allowWrite(String principal, String topic) throws Exception {
    kafka.admin().createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
        new AccessControlEntry(principal, "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
        .all().get(30, TimeUnit.SECONDS);
  }

  private static Map<String, Object> withScram(Map<String, Object> config, String user, String password) {
    Map<String, Object> result = new HashMap<>(config);
    result.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user + "\" password=\"" + password + "\";");
    return result;
  }

  private Map<String, Object> withKeyStore(Map<String, Object> config, CertificateAuthority.Issued certificate) {
    Path keyStore = dir.resolve(certificate.certificate().getSerialNumber() + ".p12");
    certificate.writePkcs12(keyStore, "changeit");
    Map<String, Object> result = new HashMap<>(config);
    result.put("ssl.keystore.type", "PKCS12");
    result.put("ssl.keystore.location", keyStore.toString());
    result.put("ssl.keystore.password", "changeit");
    return result;
  }

  /** Writes one record, with the producer's own errors (not retried for minutes: authorization fails at once). */
  private static void send(Map<String, Object> config, String topic) throws ExecutionException, InterruptedException,
      java.util.concurrent.TimeoutException {
    Map<String, Object> producerConfig = new HashMap<>(config);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "value")).get(60, TimeUnit.SECONDS);
    }
  }
}
