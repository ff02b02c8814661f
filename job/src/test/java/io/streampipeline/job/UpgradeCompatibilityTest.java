package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streampipeline.job.upgrade.UpgradeCheckMain;
import io.streampipeline.job.upgrade.UpgradeCompatibility;
import io.streampipeline.job.upgrade.UpgradePrediction;
import io.streampipeline.job.upgrade.UpgradePrediction.Change;
import io.streampipeline.job.upgrade.UpgradePrediction.Finding;
import io.streampipeline.job.upgrade.UpgradePrediction.Verdict;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import io.streampipeline.plan.StatePlan;
import io.streampipeline.plan.UpgradeCheckProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predictions from the job graphs alone, for changes whose outcome the graphs decide (no Kafka, no Flink
 * cluster); {@link UpgradePredictionTest} checks predictions against real restores.
 */
class UpgradeCompatibilityTest {

  private static final String COUNT_PER_PAGE = "SELECT page, COUNT(*) AS hits FROM events GROUP BY page";

  @Test
  void swappingWhichColumnsFeedAGroupKeyUnderTheSameNamesIsIncompatibleInMeaning() {
    UpgradePrediction prediction = predict(
        plan("events", "SELECT k, COUNT(*) AS hits FROM (SELECT page AS k, `user` AS u FROM events) GROUP BY k"),
        plan("events", "SELECT k, COUNT(*) AS hits FROM (SELECT `user` AS k, page AS u FROM events) GROUP BY k"));

    assertThat(prediction.verdict()).isEqualTo(Verdict.INCOMPATIBLE);
    assertThat(prediction.findings()).singleElement().satisfies(finding -> {
      assertThat(finding.change()).isEqualTo(Change.MEANING_CHANGED);
      assertThat(finding.operator()).startsWith("GroupAggregate(groupBy=[k]");
    });
  }

  @Test
  void aSourceReadingAnotherTopicWouldApplyItsSavedPositionsThere() {
    UpgradePrediction prediction = predict(plan("events", "SELECT page FROM events"),
        plan("events-v2", "SELECT page FROM events"));

    assertThat(prediction.verdict()).isEqualTo(Verdict.INCOMPATIBLE);
    assertThat(prediction.findings()).singleElement().satisfies(finding -> {
      assertThat(finding.change()).isEqualTo(Change.MEANING_CHANGED);
      assertThat(finding.operator()).isEqualTo("source events (topic events-v2)");
      assertThat(finding.message()).contains("source events (topic events)");
    });
  }

  @Test
  void turningStateTtlOnOrOffFailsTheRestoreOfKeyedSqlStateWhileChangingItsValueDoesNot() {
    PipelinePlan without = plan("events", COUNT_PER_PAGE);
    PipelinePlan day = withTtl(without, 86_400_000L);

    for (PipelinePlan[] toggle : new PipelinePlan[][] {{without, day}, {day, without}}) {
      UpgradePrediction prediction = predict(toggle[0], toggle[1]);
      assertThat(prediction.verdict()).isEqualTo(Verdict.INCOMPATIBLE);
      assertThat(prediction.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.change()).isEqualTo(Change.RESTORE_FAILS);
        assertThat(finding.operator()).startsWith("GroupAggregate(groupBy=[page]");
        assertThat(finding.message()).contains("spec.job.stateTtl is turned " + (toggle[1] == day ? "on" : "off"));
      });
    }
    assertThat(predict(day, withTtl(without, 3_600_000L)).verdict()).isEqualTo(Verdict.COMPATIBLE);
    assertThat(predict(plan("events", "SELECT page FROM events"), withTtl(plan("events", "SELECT page FROM events"),
        3_600_000L)).verdict()).as("no keyed state, nothing to restore").isEqualTo(Verdict.COMPATIBLE);
  }

  @Test
  void removingTheAggregateDropsItsStateAndNamesIt() {
    UpgradePrediction prediction = predict(plan("events", COUNT_PER_PAGE), plan("events", "SELECT page FROM events"));

    assertThat(prediction.verdict()).isEqualTo(Verdict.STATE_DROPPED);
    assertThat(prediction.findings()).extracting(Finding::change).containsExactly(Change.DROPPED);
    assertThat(prediction.findings().get(0).operator()).startsWith("GroupAggregate(groupBy=[page]");
  }

  @Test
  void anAggregateAddedToAQueryWithoutStateStartsEmptyWhileItsSourceResumes() {
    UpgradePrediction prediction = predict(plan("events", "SELECT page FROM events"), plan("events", COUNT_PER_PAGE));

    assertThat(prediction.verdict()).isEqualTo(Verdict.STATE_DROPPED);
    assertThat(prediction.findings()).singleElement().satisfies(finding -> {
      assertThat(finding.change()).isEqualTo(Change.STARTS_EMPTY);
      assertThat(finding.message()).contains("[events]");
    });
  }

  @Test
  void theSameVersionAtAnotherParallelismKeepsEverything() {
    PipelinePlan counts = plan("events", COUNT_PER_PAGE);

    UpgradePrediction prediction = UpgradeCompatibility.predict(counts, 1, counts, 4);

    assertThat(prediction.verdict()).isEqualTo(Verdict.COMPATIBLE);
    assertThat(prediction.findings()).isEmpty();
    assertThat(prediction.keepsState()).isTrue();
  }

  /** The operator's in-cluster check: the entry point of the job image, its verdict in the termination message. */
  @Test
  void theCheckEntryPointWritesTheVerdictWhereTheOperatorReadsIt(@TempDir Path dir) throws Exception {
    Path terminationLog = dir.resolve("termination-log");
    List<String> args = new ArrayList<>(UpgradeCheckProtocol.args(
        PlanCodec.encode(plan("events", "SELECT k, COUNT(*) AS hits FROM (SELECT page AS k, `user` AS u FROM events) GROUP BY k")), 1,
        PlanCodec.encode(plan("events", "SELECT k, COUNT(*) AS hits FROM (SELECT `user` AS k, page AS u FROM events) GROUP BY k")), 1));
    args.set(args.indexOf(UpgradeCheckProtocol.TERMINATION_MESSAGE_PATH), terminationLog.toString());

    UpgradeCheckMain.main(args.toArray(String[]::new));

    UpgradeCheckProtocol.Result result = UpgradeCheckProtocol.Result.decode(Files.readString(terminationLog));
    assertThat(result.verdict()).isEqualTo(Verdict.INCOMPATIBLE.name());
    assertThat(result.keepsState()).isFalse();
    assertThat(result.summary()).startsWith("incompatible in meaning");
    assertThat(result.findings()).singleElement().asString().startsWith("GroupAggregate(groupBy=[k]");
  }

  @Test
  void theCheckEntryPointRefusesArgumentsItDoesNotKnow() {
    assertThatThrownBy(() -> UpgradeCheckMain.main(new String[] {"--form", "{}"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--form");
  }

  private static UpgradePrediction predict(PipelinePlan from, PipelinePlan to) {
    return UpgradeCompatibility.predict(from, 1, to, 1);
  }

  private static PipelinePlan withTtl(PipelinePlan plan, long ttlMs) {
    return new PipelinePlan(plan.version(), plan.pipeline(), plan.bootstrapServers(), plan.sources(), plan.sql(),
        plan.sink(), plan.deadLetterTopic(), plan.delivery(), plan.checkpointIntervalMs(), plan.restartAttempts(),
        plan.restartDelayMs(), plan.consumerGroup(), plan.transactionalIdPrefix(), new StatePlan(null, ttlMs),
        plan.kafkaProperties(), plan.sinks());
  }

  /** A plan whose sink is keyed on the group key of an aggregating {@code sql} ({@code k} or {@code page}). */
  private static PipelinePlan plan(String topic, String sql) {
    List<String> key = !sql.contains("GROUP BY") ? List.of() : sql.contains("GROUP BY k") ? List.of("k") : List.of("page");
    SourcePlan source = new SourcePlan("events", topic, Format.JSON, List.of(column("user", "STRING", true),
        column("page", "STRING", true)), StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null);
    return new PipelinePlan(PlanCodec.CURRENT_VERSION, "test/upgrade", "localhost:9092", List.of(source), sql,
        new SinkPlan("out", Format.JSON, key), null, DeliveryGuarantee.AT_LEAST_ONCE, 1000, 0, 200, "group", "group",
        null, null);
  }
}
