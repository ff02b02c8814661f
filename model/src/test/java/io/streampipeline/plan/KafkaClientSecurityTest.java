package io.streampipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client properties for a secured listener refer to the mounted Secrets' files and hold no secret. */
class KafkaClientSecurityTest {

  private static final Path USER = Path.of(KafkaClientSecurity.USER_SECRET_MOUNT);
  private static final Path CA = Path.of(KafkaClientSecurity.CA_SECRET_MOUNT, "ca.crt");

  @Test
  void scramOverTlsReadsTheJaasConfigurationFromTheUserSecret() {
    assertThat(KafkaClientSecurity.scramSha512(USER, CA)).containsExactly(
        Map.entry("security.protocol", "SASL_SSL"),
        Map.entry("ssl.truststore.type", "PEM"),
        Map.entry("ssl.truststore.location", "/etc/streampipeline/kafka/ca/ca.crt"),
        Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
        Map.entry("config.providers", "directory"),
        Map.entry("config.providers.directory.class",
            "org.apache.kafka.common.config.provider.DirectoryConfigProvider"),
        Map.entry("sasl.jaas.config", "${directory:/etc/streampipeline/kafka/user:sasl.jaas.config}"));
  }

  @Test
  void scramWithoutTlsTrustsNothing() {
    assertThat(KafkaClientSecurity.scramSha512(USER, null))
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .doesNotContainKeys("ssl.truststore.location", "ssl.truststore.type");
  }

  @Test
  void mutualTlsOpensTheUserKeyStoreWithItsPasswordFile() {
    assertThat(KafkaClientSecurity.mutualTls(USER, CA))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.truststore.location", "/etc/streampipeline/kafka/ca/ca.crt")
        .containsEntry("ssl.keystore.type", "PKCS12")
        .containsEntry("ssl.keystore.location", "/etc/streampipeline/kafka/user/user.p12")
        .containsEntry("ssl.keystore.password", "${directory:/etc/streampipeline/kafka/user:user.password}");
  }

  @Test
  void thePropertiesPassThePlansSecretCheck() {
    for (Map<String, String> properties : List.of(KafkaClientSecurity.scramSha512(USER, CA),
        KafkaClientSecurity.mutualTls(USER, CA), KafkaClientSecurity.tls(CA))) {
      assertThat(PlanValidator.validate(PlanCodecTest.minimalPlan().withKafka("kafka:9093", properties))).isEmpty();
    }
  }
}
