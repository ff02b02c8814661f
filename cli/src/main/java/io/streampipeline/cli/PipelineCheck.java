package io.streampipeline.cli;

import io.streampipeline.job.LocalPipeline;
import io.streampipeline.job.QueryState;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.Problem;
import java.util.List;

/**
 * The checks of an admitted pipeline (one the CRD accepts, see {@link PipelineFiles}) that only the operator and
 * the job make: the operator's, while it makes the plan ({@link io.streampipeline.plan.SpecValidator}), then the
 * job's: its SQL planned against the declared source schemas and its result checked against the sink, by building
 * the job's graph as the job does at start. No Kafka is contacted.
 */
final class PipelineCheck {

  private PipelineCheck() {}

  /** The problems of {@code pipeline}, fields named from the resource's root ({@code spec.transform.sql}). */
  static List<Problem> problems(StreamPipeline pipeline) {
    return check(pipeline).problems();
  }

  /**
   * The problems of {@code pipeline}, and what is worth a warning in a pipeline without problems (such as
   * state that grows without bound), fields named from the resource's root.
   */
  static Outcome check(StreamPipeline pipeline) {
    try {
      PipelinePlan plan = PipelineChildren.plan(pipeline);
      LocalPipeline.Built built = LocalPipeline.build(plan, 1);
      built.streamGraph().getJobGraph();
      QueryState state = built.state();
      return new Outcome(List.of(), state.warnings(plan).stream().map(PipelineCheck::fromSpecRoot).toList());
    } catch (InvalidPlanException e) {
      return new Outcome(e.problems().stream().map(PipelineCheck::fromSpecRoot).toList(), List.of());
    }
  }

  /** What a check found: problems make a pipeline invalid, warnings do not. */
  record Outcome(List<Problem> problems, List<Problem> warnings) {}

  /** The job names plan fields ({@code transform.sql}); in a resource they are under {@code spec}. */
  private static Problem fromSpecRoot(Problem problem) {
    String field = problem.field().startsWith("spec.") ? problem.field() : "spec." + problem.field();
    return new Problem(field, Errors.flatten(problem.message()));
  }
}
