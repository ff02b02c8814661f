package io.streampipeline.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.reconciler.StreamPipelineReconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;

/**
 * The running operator: one controller for StreamPipelines. The same entry point serves the image, the
 * {@code streampipeline operator} command and the integration tests.
 */
public final class StreamPipelineOperator implements AutoCloseable {

  private final Operator operator;

  private StreamPipelineOperator(Operator operator) {
    this.operator = operator;
  }

  /**
   * @param leaseNamespace where to hold the leader-election Lease; empty runs without leader election
   */
  public static StreamPipelineOperator start(KubernetesClient client, OperatorConfig config,
      Optional<String> leaseNamespace) {
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // Missing Strimzi or Flink CRDs are reported on each pipeline's status, not by refusing to start;
          // the informers of the missing kinds keep retrying, and start() waits this long for them at most.
          .withStopOnInformerErrorDuringStartup(false)
          .withCacheSyncTimeout(Duration.ofSeconds(30));
      leaseNamespace.ifPresent(ns ->
          o.withLeaderElectionConfiguration(new LeaderElectionConfiguration("streampipeline-operator", ns)));
    });
    operator.register(new StreamPipelineReconciler(client, config, Clock.systemUTC()), c -> {
      if (!config.watchNamespaces().isEmpty()) {
        c.settingNamespaces(new HashSet<>(config.watchNamespaces()));
      }
    });
    operator.start();
    return new StreamPipelineOperator(operator);
  }

  public boolean isStarted() {
    return operator.getRuntimeInfo().isStarted();
  }

  public boolean isHealthy() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
