package io.streampipeline.cli;

import static io.streampipeline.cli.Cli.example;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streampipeline.job.KafkaAcls;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.kafka.local.LocalKafkaBroker.Listener;
import io.streampipeline.kafka.local.UserSecret;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.plan.KafkaAccess;
import io.streampipeline.plan.PipelinePlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --kafka-config}: the word count against a secured cluster over SASL_SSL with SCRAM-SHA-512, with a
 * user that has the pipeline's ACLs and what the CLI itself does (write the input, read the output); the
 * password, in clear in the user's client.properties, is printed nowhere.
 */
class RunOverSecuredKafkaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalKafkaBroker kafka;

  @BeforeAll
  static void startKafka() {
    kafka = LocalKafkaBroker.startSecured();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  void wordCountRunsOverScramWithTheClientPropertiesOfTheUser(@TempDir Path dir) throws Exception {
    for (String topic : List.of("lines", "word-counts", "lines-dlq")) {
      kafka.createTopic(topic, 3, Map.of());
    }
    Path pipeline = example("wordcount", "pipeline.yaml");
    UserSecret user = UserSecret.scramSha512(kafka, "wordcount-cli");
    grant(user, pipeline);
    Path clientProperties = dir.resolve("client.properties");
    Files.writeString(clientProperties, String.join("\n",
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=" + new String(user.data().get("sasl.jaas.config"), StandardCharsets.UTF_8),
        "ssl.truststore.type=PEM",
        "ssl.truststore.location=" + kafka.caCertificate()), StandardCharsets.UTF_8);
    Path input = dir.resolve("input.txt");
    Files.write(input, List.of("red green", "red blue"));

    Cli.Result run = Cli.run("run", "-f", pipeline, "--bootstrap-servers", kafka.bootstrapServers(Listener.SCRAM_SHA_512),
        "--kafka-config", clientProperties, "--input", input, "--until-idle", "-v");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(latestCounts(run)).isEqualTo(Map.of("red", 2L, "green", 1L, "blue", 1L));
    assertThat(run.out() + run.err()).doesNotContain(user.password());
  }

  @Test
  void refusedCredentialsAreReportedAsSuch(@TempDir Path dir) throws Exception {
    Path clientProperties = dir.resolve("client.properties");
    Files.writeString(clientProperties, String.join("\n",
        "bootstrap.servers=" + kafka.bootstrapServers(Listener.SCRAM_SHA_512),
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"nobody\" "
            + "password=\"not-the-password\";",
        "ssl.truststore.type=PEM",
        "ssl.truststore.location=" + kafka.caCertificate()), StandardCharsets.UTF_8);

    Cli.Result run = Cli.run("run", "-f", example("wordcount", "pipeline.yaml"), "--kafka-config", clientProperties,
        "--until-idle");

    assertThat(run.exitCode()).as("%s", run).isNotZero();
    assertThat(run.err()).as("%s", run)
        .contains("cannot use Kafka at " + kafka.bootstrapServers(Listener.SCRAM_SHA_512))
        .contains("Authentication failed")
        .doesNotContain("not-the-password");
  }

  /** The pipeline's ACLs, and Write on its source topic and Read on its sink topics, which the CLI feeds and tails. */
  private static void grant(UserSecret user, Path pipeline) throws Exception {
    StreamPipeline resource = PipelineFiles.readOne(pipeline);
    resource.getMetadata().setNamespace("default");
    PipelinePlan plan = PipelineChildren.plan(resource);
    List<AclBinding> bindings = new ArrayList<>(KafkaAcls.bindings(user.principal(), KafkaAccess.of(plan)));
    bindings.add(allow(user, plan.sources().get(0).topic(), AclOperation.WRITE));
    bindings.add(allow(user, plan.sink().topic(), AclOperation.READ));
    bindings.add(allow(user, plan.deadLetterTopic(), AclOperation.READ));
    kafka.admin().createAcls(bindings).all().get(30, TimeUnit.SECONDS);
  }

  private static AclBinding allow(UserSecret user, String topic, AclOperation operation) {
    return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
        new AccessControlEntry(user.principal(), "*", operation, AclPermissionType.ALLOW));
  }

  private static Map<String, Long> latestCounts(Cli.Result result) throws Exception {
    Map<String, Long> latest = new HashMap<>();
    for (String line : result.outLines()) {
      JsonNode value = JSON.readTree(line.split("\t", 2)[1]);
      latest.put(value.get("word").asText(), value.get("cnt").asLong());
    }
    return latest;
  }
}
