package io.streampipeline.cli;

import io.streampipeline.plan.PlanValidator;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Kafka client configuration a user gives {@code run --kafka-config}, as Kafka's own tools take it
 * ({@code client.properties}: security protocol, SASL mechanism, trust and key stores, credentials). The
 * file is the user's own and may hold secrets in clear; they still never enter the plan, the job graph or
 * the output: each secret value becomes a reference that Kafka's {@code FileConfigProvider} resolves from
 * this file when a client starts.
 */
final class KafkaConfigFile {

  /** The config provider's name, distinct from any the user's file may configure. */
  static final String PROVIDER = "streampipelinecli";
  private static final String PROVIDER_CLASS = "org.apache.kafka.common.config.provider.FileConfigProvider";
  private static final String PROVIDERS = "config.providers";
  private static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

  private final String bootstrapServers;
  private final Map<String, String> clientProperties;

  private KafkaConfigFile(String bootstrapServers, Map<String, String> clientProperties) {
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = clientProperties;
  }

  static KafkaConfigFile read(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new CliException("--kafka-config " + file + ": cannot read it: " + e.getMessage(), e);
    }
    Path absolute = file.toAbsolutePath().normalize();
    Map<String, String> client = new TreeMap<>();
    boolean referenced = false;
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key);
      if (key.equals(BOOTSTRAP_SERVERS)) {
        continue;
      }
      if (PlanValidator.isSecret(key) && !PlanValidator.isReference(value)) {
        client.put(key, "${" + PROVIDER + ":" + absolute + ":" + key + "}");
        referenced = true;
      } else {
        client.put(key, value);
      }
    }
    if (referenced) {
      String providers = client.get(PROVIDERS);
      client.put(PROVIDERS, providers == null || providers.isBlank() ? PROVIDER : providers + "," + PROVIDER);
      client.put(PROVIDERS + "." + PROVIDER + ".class", PROVIDER_CLASS);
    }
    return new KafkaConfigFile(properties.getProperty(BOOTSTRAP_SERVERS), client);
  }

  /** The file's {@code bootstrap.servers}, null when it has none. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  /** Every property but {@code bootstrap.servers}, with references in place of secrets: for the plan and the CLI's clients. */
  Map<String, String> clientProperties() {
    return clientProperties;
  }
}
