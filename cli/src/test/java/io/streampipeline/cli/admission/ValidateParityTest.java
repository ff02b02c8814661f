package io.streampipeline.cli.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.streampipeline.operator.testing.TestCluster;
import io.streampipeline.plan.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code validate}'s admission against the real API server with the CRD: generated pipelines, valid ones and ones
 * broken in one field each, are created (dry run, strict field validation) and admitted by
 * {@link CustomResourceAdmission}; both must accept or refuse each one, with the same errors (field and
 * message). Updates that shrink or grow partitions check the transition rules the same way. The seed is in the
 * test report and in every failure; {@code -Dparity.seed=N} replays a run.
 */
class ValidateParityTest {

  private static final int VALID = 120;
  private static final int UPDATES = 40;
  /** The API server names unknown fields in the message of a strict decoding error only. */
  private static final Pattern UNKNOWN_FIELD = Pattern.compile("unknown field \"([^\"]*)\"");

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static String namespace;
  private static final CustomResourceAdmission ADMISSION = CustomResourceAdmission.streamPipeline();

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    cluster.installStreamPipelineCrd();
    client = cluster.client();
    namespace = cluster.newNamespace("parity");
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** What one side said about one pipeline: accepted, or refused with these errors ("field: message"). */
  private record Verdict(boolean accepted, Set<String> errors) {}

  @Test
  void validateAndTheApiServerAgreeOnEveryGeneratedPipeline() {
    long seed = Long.getLong("parity.seed", new Random().nextLong());
    // On the test's stderr (surefire keeps it in the report) and in every assertion: replay with -Dparity.seed=N.
    System.err.println("ValidateParityTest seed " + seed);
    GeneratedPipelines pipelines = new GeneratedPipelines(seed);
    List<String> disagreements = new ArrayList<>();
    int cases = 0;
    int refused = 0;
    int validAccepted = 0;
    for (int i = 0; i < VALID; i++) {
      ObjectNode valid = pipelines.valid("p-" + i);
      List<ObjectNode> variants = new ArrayList<>(List.of(valid));
      // Every valid pipeline with several breaks, so that each break meets many different pipelines.
      for (int b = 0; b < 4; b++) {
        GeneratedPipelines.Break change = GeneratedPipelines.BREAKS.get(
            pipelines.random().nextInt(GeneratedPipelines.BREAKS.size()));
        variants.add(pipelines.broken(valid, change));
      }
      for (ObjectNode pipeline : variants) {
        Verdict server = created(pipeline);
        Verdict validate = admitted(pipeline, null);
        cases++;
        refused += server.accepted() ? 0 : 1;
        validAccepted += pipeline == valid && server.accepted() ? 1 : 0;
        if (!server.equals(validate)) {
          disagreements.add("API server " + server + ", validate " + validate + " for " + pipeline);
        }
      }
    }
    for (int i = 0; i < UPDATES; i++) {
      ObjectNode old = pipelines.valid("u-" + i);
      GenericKubernetesResource stored = client.resource(resource(old)).inNamespace(namespace).create();
      ObjectNode changed = old.deepCopy();
      changePartitions(changed, pipelines.random());
      changed.with("metadata").put("resourceVersion", stored.getMetadata().getResourceVersion());
      Verdict server = updated(changed);
      Verdict validate = admitted(changed, old);
      cases++;
      refused += server.accepted() ? 0 : 1;
      if (!server.equals(validate)) {
        disagreements.add("update: API server " + server + ", validate " + validate + " from " + old + " to " + changed);
      }
    }
    System.err.println("ValidateParityTest: " + cases + " pipelines, " + refused + " refused by the API server, "
        + disagreements.size() + " disagreements");

    assertThat(disagreements).as("seed %d", seed).isEmpty();
    assertThat(cases).isGreaterThanOrEqualTo(500);
    // Both outcomes are well covered: the unbroken pipelines are all accepted, nearly all broken ones refused.
    assertThat(validAccepted).as("unbroken pipelines accepted (seed %d)", seed).isEqualTo(VALID);
    assertThat(refused).as("refused of %d (seed %d)", cases, seed).isGreaterThan(cases / 2);
  }

  /** Grows or shrinks the partitions of one source, the sink or the dead-letter topic. */
  private static void changePartitions(ObjectNode pipeline, Random random) {
    ObjectNode spec = pipeline.with("spec");
    ObjectNode topic = switch (random.nextInt(3)) {
      case 0 -> (ObjectNode) spec.get("sources").get(0);
      case 1 -> spec.with("sink");
      default -> spec.has("deadLetter") ? spec.with("deadLetter") : spec.with("sink");
    };
    int before = topic.path("partitions").asInt(1);
    topic.put("partitions", random.nextBoolean() ? before + 1 + random.nextInt(3) : Math.max(1, before - 1));
    if (before == 1 && random.nextBoolean()) {
      topic.put("partitions", 0);
    }
  }

  private static Verdict admitted(ObjectNode pipeline, ObjectNode old) {
    List<Problem> problems = ADMISSION.admit(pipeline, old).problems();
    Set<String> errors = new TreeSet<>();
    problems.forEach(p -> errors.add(p.field() + ": " + p.message()));
    return new Verdict(problems.isEmpty(), errors);
  }

  private static Verdict created(ObjectNode pipeline) {
    try {
      client.resource(resource(pipeline)).inNamespace(namespace)
          .dryRun().fieldValidation(FieldValidateable.Validation.STRICT).create();
      return new Verdict(true, Set.of());
    } catch (KubernetesClientException e) {
      return refusal(e);
    }
  }

  private static Verdict updated(ObjectNode pipeline) {
    try {
      client.resource(resource(pipeline)).inNamespace(namespace)
          .dryRun().fieldValidation(FieldValidateable.Validation.STRICT).update();
      return new Verdict(true, Set.of());
    } catch (KubernetesClientException e) {
      return refusal(e);
    }
  }

  private static Verdict refusal(KubernetesClientException e) {
    Set<String> errors = new TreeSet<>();
    if (e.getCode() == 400) {
      Matcher unknown = UNKNOWN_FIELD.matcher(e.getStatus().getMessage());
      while (unknown.find()) {
        errors.add(unknown.group(1) + ": unknown field \"" + unknown.group(1) + "\"");
      }
    } else if (e.getCode() == 422) {
      for (StatusCause cause : e.getStatus().getDetails().getCauses()) {
        errors.add(cause.getField() + ": " + cause.getMessage());
      }
    }
    assertThat(errors).as("the API server's refusal %s", e.getStatus()).isNotEmpty();
    return new Verdict(false, errors);
  }

  private static GenericKubernetesResource resource(ObjectNode pipeline) {
    return Serialization.jsonMapper().convertValue(pipeline, GenericKubernetesResource.class);
  }
}
