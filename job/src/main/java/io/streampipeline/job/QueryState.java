package io.streampipeline.job;

import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.Problem;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.KeyedMultipleInputTransformation;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;

/**
 * The state a built pipeline keeps, read from its transformations: whether any operator keeps keyed state (it
 * decides the default state backend), and which operators keep keyed state that only a TTL bounds.
 *
 * <p>Keyed state is what the transformations declare (a state key selector). Which of them grow with the key
 * space is known by the planner's operator names (its exec node names, such as {@code GroupAggregate[4]}):
 * group aggregates, regular joins, deduplication, ranks, OVER aggregates, changelog normalization and the
 * sink's upsert materializer keep a value per key until a TTL clears it; event-time windows, interval and
 * window joins clear theirs as the watermark passes. A Flink upgrade that renamed them would make the
 * warning disappear, and {@code QueryStateTest} fail.
 *
 * @param keyedState whether any operator keeps keyed state
 * @param unbounded the names of operators whose keyed state only a TTL bounds, sorted
 */
public record QueryState(boolean keyedState, List<String> unbounded) {

  private static final Set<String> UNBOUNDED_OPERATORS = Set.of("GroupAggregate", "GlobalGroupAggregate",
      "IncrementalGroupAggregate", "GroupTableAggregate", "Join", "Deduplicate", "Rank", "OverAggregate",
      "ChangelogNormalize", "SinkMaterializer");

  static QueryState of(StreamExecutionEnvironment env) {
    boolean keyed = false;
    Set<String> unbounded = new TreeSet<>();
    for (Transformation<?> sink : env.getTransformations()) {
      for (Transformation<?> t : sink.getTransitivePredecessors()) {
        if (isKeyed(t)) {
          keyed = true;
          String operator = t.getName().replaceFirst("\\[\\d+\\]$", "");
          if (UNBOUNDED_OPERATORS.contains(operator)) {
            unbounded.add(operator);
          }
        }
      }
    }
    return new QueryState(keyed, List.copyOf(unbounded));
  }

  private static boolean isKeyed(Transformation<?> t) {
    return (t instanceof OneInputTransformation<?, ?> one && one.getStateKeySelector() != null)
        || (t instanceof TwoInputTransformation<?, ?, ?> two && two.getStateKeySelector1() != null)
        || t instanceof KeyedMultipleInputTransformation<?>;
  }

  /** What {@code validate} and the job's log warn about: state that grows without bound and no TTL. */
  public List<Problem> warnings(PipelinePlan plan) {
    if (unbounded.isEmpty() || plan.stateOrDefault().ttlMs() != null) {
      return List.of();
    }
    return List.of(new Problem("job.stateTtl", "the query keeps state per key that nothing expires ("
        + String.join(", ", unbounded) + "): it grows with every new key; set job.stateTtl, or STATE_TTL hints"
        + " per input, unless the keys are a bounded set"));
  }
}
