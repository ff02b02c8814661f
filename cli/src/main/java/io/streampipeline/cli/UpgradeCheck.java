package io.streampipeline.cli;

import io.streampipeline.job.upgrade.RestoreDryRun;
import io.streampipeline.job.upgrade.UpgradeCompatibility;
import io.streampipeline.job.upgrade.UpgradePrediction;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.model.UpgradeMode;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.plan.PipelinePlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * {@code validate --upgrade-from}: whether each valid new version restores its running version's state
 * ({@link UpgradeCompatibility}). Where the graphs say state is carried over, a savepoint of the running
 * version is really restored into the new one, in a Flink MiniCluster against a Kafka broker of this process
 * started for the purpose (about ten seconds, once); {@code --no-dry-run} skips that.
 */
final class UpgradeCheck implements AutoCloseable {

  private final boolean dryRun;
  private final int slots;
  private LocalKafkaBroker broker;
  private MiniCluster cluster;
  private Path savepoints;
  private RestoreDryRun restore;

  /** @param slots the largest parallelism of the pipelines to compare */
  UpgradeCheck(boolean dryRun, int slots) {
    this.dryRun = dryRun;
    this.slots = slots;
  }

  /**
   * Lines that say what the upgrade from {@code running} to {@code next} does to state; the first is the
   * verdict.
   *
   * @return the prediction, or null when the new version does not restore state by choice
   */
  UpgradePrediction predict(StreamPipeline running, StreamPipeline next, List<String> lines) throws Exception {
    if (next.getSpec().getJob().getUpgradeMode() == UpgradeMode.STATELESS) {
      lines.add("upgradeMode stateless: the new version starts without state, by choice");
      return null;
    }
    PipelinePlan from = PipelineChildren.plan(running);
    PipelinePlan to = PipelineChildren.plan(next);
    int fromParallelism = running.getSpec().getJob().getParallelism();
    int toParallelism = next.getSpec().getJob().getParallelism();
    UpgradePrediction prediction = dryRun
        ? UpgradeCompatibility.check(from, fromParallelism, to, toParallelism, restore())
        : UpgradeCompatibility.predict(from, fromParallelism, to, toParallelism);
    lines.add(prediction.summary());
    prediction.findings().forEach(f -> lines.add(f.toString()));
    return prediction;
  }

  private RestoreDryRun restore() throws Exception {
    if (restore == null) {
      broker = LocalKafkaBroker.start(0);
      cluster = LocalFlink.start(slots);
      try {
        savepoints = Files.createTempDirectory("streampipeline-upgrade-savepoints");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      restore = new RestoreDryRun(cluster, broker.bootstrapServers(), savepoints);
    }
    return restore;
  }

  @Override
  public void close() throws Exception {
    try (LocalKafkaBroker closingBroker = broker; MiniCluster closingCluster = cluster) {
      if (savepoints != null) {
        UpgradeBaseline.deleteRecursively(savepoints);
      }
    }
  }
}
