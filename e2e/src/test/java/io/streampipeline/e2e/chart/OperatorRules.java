package io.streampipeline.e2e.chart;

import java.util.List;
import java.util.Map;

/**
 * The permissions the operator's code uses, per {@code group/resource} (verbs sorted), written down once from
 * reading {@code operator/src/main/java/io/streampipeline/operator/reconciler}. The chart must grant exactly
 * these; {@link ChartOnApiServerTest} shows the operator works with no more and fails without one of them.
 */
final class OperatorRules {

  static final Map<String, List<String>> ALL = Map.of(
      "streampipeline.io/streampipelines", List.of("list", "watch"),
      "streampipeline.io/streampipelines/status", List.of("patch"),
      "kafka.strimzi.io/kafkatopics", List.of("create", "delete", "get", "list", "patch", "watch"),
      "kafka.strimzi.io/kafkas", List.of("get"),
      "kafka.strimzi.io/kafkausers", List.of("create", "get", "list", "patch", "watch"),
      "core/secrets", List.of("get", "list", "watch"),
      "flink.apache.org/flinkdeployments", List.of("create", "list", "patch", "watch"),
      "core/events", List.of("create"),
      "batch/jobs", List.of("create", "delete", "list", "watch"),
      "core/pods", List.of("list"));

  private OperatorRules() {}
}
