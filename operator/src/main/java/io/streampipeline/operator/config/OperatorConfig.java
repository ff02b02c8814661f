package io.streampipeline.operator.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The operator's settings, from environment variables with defaults that work for a first install.
 *
 * @param jobImage image of the bundled job, used when a pipeline names none ({@code STREAMPIPELINE_JOB_IMAGE})
 * @param flinkServiceAccount service account of the Flink pods; the Flink operator's Helm chart creates {@code flink}
 * @param stateDir base URI under which each pipeline gets checkpoint, savepoint and HA directories; must be
 *     durable storage the Flink pods share (S3, a PVC) for savepoint and last-state upgrades to survive pod loss
 * @param watchNamespaces namespaces to watch; empty means all
 * @param leaseName name of the leader-election Lease ({@code STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME}); the
 *     chart sets it per release, so that two releases in one namespace never share a Lease
 */
public record OperatorConfig(
    String jobImage, String flinkServiceAccount, String stateDir, List<String> watchNamespaces, String leaseName) {

  public static final String DEFAULT_LEASE_NAME = "streampipeline-operator";

  public static final String DEFAULT_JOB_IMAGE = "ghcr.io/streampipeline/streampipeline-job:0.1.0";

  public static OperatorConfig defaults() {
    return fromEnvironment(Map.of());
  }

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault("STREAMPIPELINE_WATCH_NAMESPACES", "");
    return new OperatorConfig(
        env.getOrDefault("STREAMPIPELINE_JOB_IMAGE", DEFAULT_JOB_IMAGE),
        env.getOrDefault("STREAMPIPELINE_FLINK_SERVICE_ACCOUNT", "flink"),
        env.getOrDefault("STREAMPIPELINE_STATE_DIR", "file:///flink-data"),
        Arrays.stream(namespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        env.getOrDefault("STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME", DEFAULT_LEASE_NAME));
  }
}
