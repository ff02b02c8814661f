package io.streampipeline.cli.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.streampipeline.operator.StreamPipelineOperator;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * At least 1,000 generated StreamPipelines created on a real API server with the operator running: valid ones,
 * ones broken in one field (every {@link GeneratedPipelines#BREAKS}), and ones with a random value put anywhere in
 * the spec (types, sizes and values the schema never mentions). Whatever the API server admits, the operator
 * must handle: no reconcile may fail (JOSDK counts one whose exception escapes), the operator stays up, and every
 * admitted pipeline ends with a Ready condition for its generation with a reason, True only when it runs. Strimzi
 * and Flink are played: every KafkaTopic becomes Ready and every FlinkDeployment runs. Only the Kafka cluster
 * {@value #KAFKA_CLUSTER} exists, so a pipeline naming another one is admitted but cannot run. The seed is printed;
 * {@code -Dgenerated.seed=N} replays a run.
 */
class GeneratedPipelinesThroughTheOperatorTest {

  private static final int VALID = 250;
  private static final int BROKEN = 500;
  private static final int MUTATED = 250;
  private static final String KAFKA_CLUSTER = "events";
  /** Why an admitted pipeline may stay not Ready here: it cannot run as written, and says so. */
  private static final Set<String> NOT_RUNNABLE_REASONS = Set.of("InvalidSpec", "StateStorageUnusable",
      "KafkaClusterNotFound");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Pattern FAILED_RECONCILES =
      Pattern.compile("(?m)^operator_sdk_reconciliations_failed_total\\{[^}]*} (\\S+)$");

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static PlayedOperators played;
  private static StreamPipelineOperator operator;
  private static String namespace;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start().withAllCrds();
    client = cluster.client();
    played = new PlayedOperators(client);
    operator = StreamPipelineOperator.start(client, OperatorConfig.defaults(), Optional.empty());
    namespace = cluster.newNamespace("generated");
    played.createKafkaCluster(namespace, KAFKA_CLUSTER);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyAdmittedPipelineEndsWithAReadyConditionAndNoReconcileFails() {
    long seed = Long.getLong("generated.seed", new Random().nextLong());
    System.err.println("GeneratedPipelinesThroughTheOperatorTest seed " + seed);
    GeneratedPipelines generated = new GeneratedPipelines(seed);
    Random random = generated.random();
    List<ObjectNode> pipelines = new ArrayList<>();
    for (int i = 0; i < VALID; i++) {
      pipelines.add(generated.valid("valid-" + i));
    }
    for (int i = 0; i < BROKEN; i++) {
      GeneratedPipelines.Break change = GeneratedPipelines.BREAKS.get(i % GeneratedPipelines.BREAKS.size());
      pipelines.add(generated.broken(generated.valid("broken-" + i), change));
    }
    for (int i = 0; i < MUTATED; i++) {
      ObjectNode pipeline = generated.valid("mutated-" + i);
      mutate((ObjectNode) pipeline.get("spec"), random);
      pipelines.add(pipeline);
    }

    List<String> admitted = new ArrayList<>();
    int refusedAtAdmission = 0;
    for (ObjectNode pipeline : pipelines) {
      try {
        client.resource(Serialization.unmarshal(pipeline.toString(), GenericKubernetesResource.class))
            .inNamespace(namespace).fieldValidation(FieldValidateable.Validation.STRICT).create();
        admitted.add(pipeline.get("metadata").get("name").asText());
      } catch (KubernetesClientException e) {
        assertThat(e.getCode()).as("refusal of %s (seed %d): %s", pipeline, seed, e.getMessage()).isIn(400, 422);
        refusedAtAdmission++;
      }
    }

    Map<String, Integer> outcomes = new TreeMap<>();
    await("every admitted pipeline's Ready condition for its generation (seed " + seed + ")")
        .atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
          playStrimziAndFlink();
          outcomes.clear();
          List<String> unsettled = new ArrayList<>();
          for (StreamPipeline pipeline : client.resources(StreamPipeline.class).inNamespace(namespace).list().getItems()) {
            Optional<Condition> ready = readyForGeneration(pipeline);
            boolean settled = ready.isPresent() && ("True".equals(ready.get().getStatus())
                || NOT_RUNNABLE_REASONS.contains(ready.get().getReason()));
            if (!settled) {
              unsettled.add(pipeline.getMetadata().getName() + ": " + ready.map(c -> c.getReason() + " "
                  + c.getMessage()).orElse("no Ready condition for generation " + pipeline.getMetadata().getGeneration()));
            } else {
              outcomes.merge("True".equals(ready.get().getStatus()) ? "Ready" : ready.get().getReason(), 1, Integer::sum);
            }
          }
          assertThat(unsettled).as("pipelines not Ready and not refused with a reason").isEmpty();
        });

    int ready = outcomes.getOrDefault("Ready", 0);
    int refusedByOperator = outcomes.getOrDefault("InvalidSpec", 0) + outcomes.getOrDefault("StateStorageUnusable", 0);
    System.err.println("GeneratedPipelinesThroughTheOperatorTest: " + pipelines.size() + " pipelines (seed " + seed
        + "): " + refusedAtAdmission + " refused at admission, " + admitted.size() + " admitted: " + refusedByOperator
        + " refused by the operator, " + ready + " Ready; outcomes " + outcomes);
    assertThat(pipelines).hasSizeGreaterThanOrEqualTo(1000);
    assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(admitted.size());
    assertThat(failedReconciles()).as("reconciles whose exception escaped (seed %d)", seed).isZero();
    assertThat(operator.isHealthy()).as("operator still running and healthy").isTrue();
    // Both sides are well covered: the unbroken pipelines all run, most broken ones are refused.
    assertThat(ready).as("Ready (seed %d)", seed).isGreaterThanOrEqualTo(VALID / 3);
    assertThat(refusedAtAdmission).as("refused at admission (seed %d)", seed).isGreaterThan(BROKEN / 2);
  }

  /** The Ready condition, if the status is for the pipeline's current generation. */
  private static Optional<Condition> readyForGeneration(StreamPipeline pipeline) {
    if (pipeline.getStatus() == null || pipeline.getStatus().getConditions() == null
        || !pipeline.getMetadata().getGeneration().equals(pipeline.getStatus().getObservedGeneration())) {
      return Optional.empty();
    }
    return pipeline.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
        .filter(c -> c.getReason() != null && !c.getReason().isBlank());
  }

  /**
   * Strimzi reconciles every KafkaTopic's current generation; Flink runs, or suspends as its spec says, every
   * FlinkDeployment's current generation.
   */
  private static void playStrimziAndFlink() {
    for (KafkaTopic topic : client.resources(KafkaTopic.class).inNamespace(namespace).list().getItems()) {
      if (topic.getStatus() == null || !topic.getMetadata().getGeneration().equals(topic.getStatus().getObservedGeneration())) {
        played.topicReady(namespace, topic.getMetadata().getName());
      }
    }
    for (FlinkDeployment deployment : client.resources(FlinkDeployment.class).inNamespace(namespace).list().getItems()) {
      String name = deployment.getMetadata().getName();
      if (deployment.getStatus() == null || deployment.getStatus().getObservedGeneration() == null
          || !deployment.getMetadata().getGeneration().equals(deployment.getStatus().getObservedGeneration())) {
        if (deployment.getSpec().getJob().getState() == JobState.SUSPENDED) {
          played.flinkSuspended(namespace, name, "job-" + name);
        } else {
          played.flinkRunning(namespace, name, "job-" + name);
        }
      }
    }
  }

  private static double failedReconciles() {
    Matcher failed = FAILED_RECONCILES.matcher(operator.metrics().scrape());
    double sum = 0;
    while (failed.find()) {
      sum += Double.parseDouble(failed.group(1));
    }
    return sum;
  }

  /** Puts a random value (of any JSON type, often out of every range) at a random place of {@code node}. */
  private static void mutate(ObjectNode node, Random random) {
    List<String> fields = new ArrayList<>();
    node.fieldNames().forEachRemaining(fields::add);
    if (fields.isEmpty() || random.nextInt(4) == 0) {
      node.set(random.nextBoolean() || fields.isEmpty() ? "x" + random.nextInt(3) : fields.get(random.nextInt(fields.size())),
          randomValue(random));
      return;
    }
    String field = fields.get(random.nextInt(fields.size()));
    JsonNode child = node.get(field);
    if (child instanceof ObjectNode object) {
      mutate(object, random);
    } else if (child instanceof ArrayNode array && !array.isEmpty() && random.nextBoolean()) {
      JsonNode element = array.get(random.nextInt(array.size()));
      if (element instanceof ObjectNode object) {
        mutate(object, random);
      } else {
        array.set(random.nextInt(array.size()), randomValue(random));
      }
    } else {
      node.set(field, randomValue(random));
    }
  }

  private static JsonNode randomValue(Random random) {
    return switch (random.nextInt(12)) {
      case 0 -> JSON.nullNode();
      case 1 -> JSON.numberNode(random.nextLong());
      case 2 -> JSON.numberNode(-1 - random.nextInt(100));
      case 3 -> JSON.numberNode(random.nextDouble() * 1e12);
      case 4 -> JSON.textNode("");
      case 5 -> JSON.textNode("x".repeat(1 + random.nextInt(5000)));
      case 6 -> JSON.textNode(new String(new int[] {0x1F600, 0x202E, 0x0000, 'a'}, 0, 4));
      case 7 -> JSON.booleanNode(random.nextBoolean());
      case 8 -> JSON.arrayNode().add(random.nextInt()).add("a");
      case 9 -> JSON.objectNode().put("k", random.nextInt());
      case 10 -> JSON.textNode(String.valueOf(random.nextInt(100000)));
      default -> JSON.textNode("SELECT * FROM nowhere; DROP TABLE x; --" + random.nextInt());
    };
  }
}
