package io.streampipeline.job.upgrade;

import io.streampipeline.job.upgrade.UpgradePrediction.Change;
import io.streampipeline.job.upgrade.UpgradePrediction.Finding;
import io.streampipeline.plan.PipelinePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.jobgraph.OperatorID;

/**
 * Predicts whether a new version of a pipeline restores the state of the running one, as a savepoint
 * upgrade would: by matching the operator IDs of both jobs, built as the job builds them, and comparing
 * what each matched operator's state means (see {@link JobStateLayout}); then, where state is carried over,
 * by really restoring it ({@link RestoreDryRun}), which checks the state serializers.
 *
 * <p>Stricter than Flink on purpose: Flink restores state into any operator of the same ID, while a
 * prediction of "compatible" here means the restored job produces what a job of the new version would have
 * produced had it always run (the table in the README is measured, not assumed).
 */
public final class UpgradeCompatibility {

  private UpgradeCompatibility() {}

  /** The prediction from the job graphs alone: no cluster, no Kafka, about a second per pipeline. */
  public static UpgradePrediction predict(PipelinePlan from, int fromParallelism, PipelinePlan to, int toParallelism) {
    Map<OperatorID, StatefulOperator> before = JobStateLayout.of(from, fromParallelism);
    Map<OperatorID, StatefulOperator> after = JobStateLayout.of(to, toParallelism);
    List<Finding> findings = new ArrayList<>();
    for (StatefulOperator old : before.values()) {
      StatefulOperator now = after.get(old.id());
      if (now == null) {
        findings.add(new Finding(Change.DROPPED, old.description(), "its state has no operator in the new version"
            + " and is dropped" + (old.kind() == StatefulOperator.Kind.SQL
                ? " (a change upstream of it in spec.transform.sql moves it in Flink's graph)" : "")));
      } else if (!old.meaning().equals(now.meaning())) {
        findings.add(new Finding(Change.MEANING_CHANGED, now.description(), meaningChange(old, now)));
      } else if (now.kind() == StatefulOperator.Kind.SQL && ttlToggled(from, to)) {
        findings.add(new Finding(Change.RESTORE_FAILS, now.description(), "spec.job.stateTtl is turned "
            + (to.stateOrDefault().ttlMs() == null ? "off" : "on") + ": in Flink 1.20 that changes the serializer of"
            + " its keyed state, and the restore fails (changing the TTL's value would not)"));
      }
    }
    Set<String> resumedSources = sourcesIn(before);
    for (StatefulOperator now : after.values()) {
      if (now.kind() == StatefulOperator.Kind.SQL && !before.containsKey(now.id())
          && now.sources().stream().anyMatch(resumedSources::contains)) {
        findings.add(new Finding(Change.STARTS_EMPTY, now.description(), "starts without state while sources "
            + now.sources() + " resume from their saved positions: it never sees the records read before the upgrade"));
      }
    }
    return UpgradePrediction.of(findings);
  }

  /** The prediction, confirmed by restoring a savepoint of the old version into the new one. */
  public static UpgradePrediction check(PipelinePlan from, int fromParallelism, PipelinePlan to, int toParallelism,
      RestoreDryRun dryRun) throws Exception {
    UpgradePrediction prediction = predict(from, fromParallelism, to, toParallelism);
    if (prediction.verdict() == UpgradePrediction.Verdict.INCOMPATIBLE) {
      return prediction;
    }
    boolean dropsState = prediction.verdict() == UpgradePrediction.Verdict.STATE_DROPPED;
    return dryRun.restoreFailure(from, fromParallelism, to, toParallelism, dropsState)
        .map(failure -> prediction.with(List.of(new Finding(Change.RESTORE_FAILS, null,
            "restoring a savepoint of the running version fails: " + failure))))
        .orElse(prediction);
  }

  /** Whether the table state TTL is turned on or off, which Flink 1.20's SQL operators cannot restore across. */
  private static boolean ttlToggled(PipelinePlan from, PipelinePlan to) {
    return (from.stateOrDefault().ttlMs() == null) != (to.stateOrDefault().ttlMs() == null);
  }

  private static String meaningChange(StatefulOperator old, StatefulOperator now) {
    if (now.kind() == StatefulOperator.Kind.SOURCE) {
      return "reads another topic than " + old.description() + ": Flink would apply the saved read positions to it";
    }
    String was = old.description().equals(now.description()) ? "" : " (was " + old.description() + ")";
    return "Flink would restore its state without complaint, but what it was computed from changed"
        + " (spec.transform.sql or a source's schema upstream of it)" + was;
  }

  private static Set<String> sourcesIn(Map<OperatorID, StatefulOperator> operators) {
    Set<String> sources = new java.util.TreeSet<>();
    operators.values().stream().filter(o -> o.kind() == StatefulOperator.Kind.SOURCE)
        .forEach(o -> sources.addAll(o.sources()));
    return sources;
  }
}
