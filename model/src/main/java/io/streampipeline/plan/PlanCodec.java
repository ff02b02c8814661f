package io.streampipeline.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/** Reads and writes {@link PipelinePlan} as JSON, the form it travels in as a job argument. */
public final class PlanCodec {

  /** The plan format this code writes and reads; 4 added {@code sinks} (several named sinks). */
  public static final int CURRENT_VERSION = 4;

  /** The job argument that carries the plan's JSON. */
  public static final String PLAN_ARGUMENT = "--plan";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private PlanCodec() {}

  public static String encode(PipelinePlan plan) {
    try {
      return MAPPER.writeValueAsString(plan);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize plan", e);
    }
  }

  /** Parses and validates a plan; every problem is reported with the field it concerns. */
  public static PipelinePlan decode(String json) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidPlanException("plan", "not valid JSON: " + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidPlanException("plan", "must be a JSON object");
    }
    JsonNode version = tree.get("version");
    if (version == null || !version.canConvertToInt()) {
      throw new InvalidPlanException("version", "missing; this job reads plan version " + CURRENT_VERSION);
    }
    if (version.intValue() != CURRENT_VERSION) {
      throw new InvalidPlanException("version", "plan version " + version.intValue()
          + " is not supported; this job reads plan version " + CURRENT_VERSION);
    }
    PipelinePlan plan;
    try {
      plan = MAPPER.treeToValue(tree, PipelinePlan.class);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidPlanException(path(e), "unknown field '" + e.getPropertyName() + "'");
    } catch (JsonProcessingException e) {
      throw new InvalidPlanException(path(e), e.getOriginalMessage());
    }
    PlanValidator.requireValid(plan);
    return plan;
  }

  private static String path(JsonProcessingException e) {
    if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping)) {
      return "plan";
    }
    StringBuilder path = new StringBuilder();
    for (var ref : mapping.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "plan" : path.toString();
  }
}
