package io.streampipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What of a user's client.properties reaches the job: everything, with references in place of secrets. */
class KafkaConfigFileTest {

  @TempDir
  Path dir;

  @Test
  void secretsBecomeReferencesToTheFile() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.write(file, List.of("bootstrap.servers=kafka:9093", "security.protocol=SSL",
        "ssl.keystore.location=/keys/me.p12", "ssl.keystore.password=hunter2", "ssl.key.password=hunter3"));

    KafkaConfigFile config = KafkaConfigFile.read(file);

    assertThat(config.bootstrapServers()).isEqualTo("kafka:9093");
    assertThat(config.clientProperties())
        .doesNotContainKey("bootstrap.servers")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.location", "/keys/me.p12")
        .containsEntry("ssl.keystore.password", "${streampipelinecli:" + file.toAbsolutePath() + ":ssl.keystore.password}")
        .containsEntry("ssl.key.password", "${streampipelinecli:" + file.toAbsolutePath() + ":ssl.key.password}")
        .containsEntry("config.providers", "streampipelinecli")
        .containsEntry("config.providers.streampipelinecli.class",
            "org.apache.kafka.common.config.provider.FileConfigProvider");
    assertThat(config.clientProperties().values()).noneMatch(value -> value.contains("hunter"));
  }

  @Test
  void theUsersOwnProvidersAndReferencesAreKept() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.write(file, List.of("config.providers=env",
        "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        "sasl.jaas.config=${env:KAFKA_JAAS}", "ssl.truststore.password=changeit"));

    KafkaConfigFile config = KafkaConfigFile.read(file);

    assertThat(config.bootstrapServers()).isNull();
    assertThat(config.clientProperties())
        .containsEntry("sasl.jaas.config", "${env:KAFKA_JAAS}")
        .containsEntry("config.providers", "env,streampipelinecli")
        .containsEntry("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
  }

  @Test
  void anUnreadableFileIsNamed() {
    Path missing = dir.resolve("missing.properties");
    assertThatThrownBy(() -> KafkaConfigFile.read(missing))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("--kafka-config " + missing + ": cannot read it");
  }
}
