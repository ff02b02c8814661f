package io.streampipeline.operator.config;

import io.streampipeline.model.PvcStorageSpec;
import io.streampipeline.model.S3StorageSpec;
import io.streampipeline.model.StateStorageSpec;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The operator's settings, from environment variables with defaults that work for a first install.
 *
 * @param jobImage image of the bundled job, used when a pipeline names none ({@code STREAMPIPELINE_JOB_IMAGE})
 * @param flinkServiceAccount service account of the Flink pods; the Flink operator's Helm chart creates {@code flink}
 * @param stateStorage the state storage of pipelines that name none (see {@link #fromEnvironment})
 * @param watchNamespaces namespaces to watch; empty means all
 * @param leaseName name of the leader-election Lease ({@code STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME}); the
 *     chart sets it per release, so that two releases in one namespace never share a Lease
 * @param flinkRestUrl where a pipeline's JobManager REST API is ({@code STREAMPIPELINE_FLINK_REST_URL}), with
 *     {@code {namespace}} and {@code {deployment}} (the FlinkDeployment's name) replaced; by default the REST Service
 *     the Flink operator creates per FlinkDeployment
 * @param progressPollInterval how often each Running pipeline's progress (backlog, late records) is read from its
 *     JobManager ({@code STREAMPIPELINE_PROGRESS_POLL_SECONDS}, 30 by default)
 */
public record OperatorConfig(
    String jobImage, String flinkServiceAccount, StateStorageSpec stateStorage, List<String> watchNamespaces,
    String leaseName, String flinkRestUrl, Duration progressPollInterval) {

  public static final String DEFAULT_LEASE_NAME = "streampipeline-operator";

  public static final String DEFAULT_JOB_IMAGE = "ghcr.io/streampipeline/streampipeline-job:0.1.0";
  /** The default state storage, as the Helm chart's: a claim of this name in the pipeline's namespace. */
  public static final String DEFAULT_STATE_URI = "file:///flink-data";
  public static final String DEFAULT_STATE_CLAIM = "flink-state";

  public static final String DEFAULT_FLINK_REST_URL = "http://{deployment}-rest.{namespace}:8081";

  public static OperatorConfig defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * Reads {@code STREAMPIPELINE_STATE_URI}, {@code STREAMPIPELINE_STATE_PVC_CLAIM_NAME},
   * {@code STREAMPIPELINE_STATE_S3_ENDPOINT}, {@code STREAMPIPELINE_STATE_S3_PATH_STYLE_ACCESS} and
   * {@code STREAMPIPELINE_STATE_S3_CREDENTIALS_SECRET} (empty or absent: not set). Without
   * {@code STREAMPIPELINE_STATE_URI} at all, the default is the chart's: {@value #DEFAULT_STATE_URI} on the claim
   * {@value #DEFAULT_STATE_CLAIM}. Whether the result can work is checked per pipeline, so that a bad default shows
   * on every pipeline's status instead of stopping the operator.
   */
  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault("STREAMPIPELINE_WATCH_NAMESPACES", "");
    return new OperatorConfig(
        env.getOrDefault("STREAMPIPELINE_JOB_IMAGE", DEFAULT_JOB_IMAGE),
        env.getOrDefault("STREAMPIPELINE_FLINK_SERVICE_ACCOUNT", "flink"),
        stateStorage(env),
        Arrays.stream(namespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        env.getOrDefault("STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME", DEFAULT_LEASE_NAME),
        env.getOrDefault("STREAMPIPELINE_FLINK_REST_URL", DEFAULT_FLINK_REST_URL),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("STREAMPIPELINE_PROGRESS_POLL_SECONDS", "30"))));
  }

  /** The REST API of the JobManager of the FlinkDeployment {@code deployment} in {@code namespace}. */
  public URI flinkRestAddress(String namespace, String deployment) {
    return URI.create(flinkRestUrl.replace("{namespace}", namespace).replace("{deployment}", deployment));
  }

  private static StateStorageSpec stateStorage(Map<String, String> env) {
    if (!env.containsKey("STREAMPIPELINE_STATE_URI")) {
      return new StateStorageSpec(DEFAULT_STATE_URI, null, new PvcStorageSpec(DEFAULT_STATE_CLAIM));
    }
    String claim = value(env, "STREAMPIPELINE_STATE_PVC_CLAIM_NAME");
    String endpoint = value(env, "STREAMPIPELINE_STATE_S3_ENDPOINT");
    String pathStyle = value(env, "STREAMPIPELINE_STATE_S3_PATH_STYLE_ACCESS");
    String secret = value(env, "STREAMPIPELINE_STATE_S3_CREDENTIALS_SECRET");
    S3StorageSpec s3 = endpoint == null && pathStyle == null && secret == null ? null
        : new S3StorageSpec(endpoint, pathStyle == null ? null : Boolean.valueOf(pathStyle), secret);
    return new StateStorageSpec(value(env, "STREAMPIPELINE_STATE_URI"), s3,
        claim == null ? null : new PvcStorageSpec(claim));
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
