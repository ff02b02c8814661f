package io.streampipeline.operator.children;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels on every resource a pipeline creates; they are also how the operator recognises its own children. */
public final class ChildLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "streampipeline-operator";
  public static final String PIPELINE = "streampipeline.io/pipeline";
  public static final String STRIMZI_CLUSTER = "strimzi.io/cluster";

  /** Label selector matching everything this operator created. */
  public static final String SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private ChildLabels() {}

  public static Map<String, String> forPipeline(String pipeline) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(PIPELINE, pipeline);
    return labels;
  }

  public static boolean ownedBy(Map<String, String> labels, String pipeline) {
    return labels != null && OPERATOR.equals(labels.get(MANAGED_BY)) && pipeline.equals(labels.get(PIPELINE));
  }
}
