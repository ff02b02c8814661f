package io.streampipeline.cli;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/** A Flink MiniCluster in this process with one TaskManager and a slot per unit of parallelism. */
final class LocalFlink {

  private LocalFlink() {}

  static MiniCluster start(int parallelism) throws Exception {
    Configuration config = new Configuration();
    // Any free port: a local Flink or another run may hold 8081.
    config.set(RestOptions.BIND_PORT, "0");
    config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(config)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(parallelism)
        .build());
    try {
      cluster.start();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  static long completedCheckpoints(MiniCluster cluster, JobID job) throws Exception {
    CheckpointStatsSnapshot stats = cluster.getArchivedExecutionGraph(job).get().getCheckpointStatsSnapshot();
    return stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints();
  }
}
