package io.streampipeline.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.metrics.OperatorMetrics;
import io.streampipeline.operator.reconciler.StreamPipelineReconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator: one controller for StreamPipelines. The same entry point serves the image, the
 * {@code streampipeline operator} command and the integration tests.
 */
public final class StreamPipelineOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamPipelineOperator.class);

  private final Operator operator;
  private final AtomicBoolean closing;
  private final OperatorMetrics metrics;

  private StreamPipelineOperator(Operator operator, AtomicBoolean closing, OperatorMetrics metrics) {
    this.operator = operator;
    this.closing = closing;
    this.metrics = metrics;
  }

  /**
   * @param leaseNamespace where to hold the leader-election Lease; empty runs without leader election
   */
  public static StreamPipelineOperator start(KubernetesClient client, OperatorConfig config,
      Optional<String> leaseNamespace) {
    AtomicBoolean closing = new AtomicBoolean();
    OperatorMetrics metrics = new OperatorMetrics();
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(metrics.josdk())
          .withCloseClientOnStop(false)
          // Missing Strimzi or Flink CRDs are reported on each pipeline's status, not by refusing to start;
          // the informers of the missing kinds keep retrying, and start() waits this long for them at most.
          .withStopOnInformerErrorDuringStartup(false)
          .withCacheSyncTimeout(Duration.ofSeconds(30));
      leaseNamespace.ifPresent(ns -> o.withLeaderElectionConfiguration(leaderElection(ns, config.leaseName(), closing)));
    });
    operator.register(new StreamPipelineReconciler(client, config, Clock.systemUTC(), metrics), c -> {
      if (!config.watchNamespaces().isEmpty()) {
        c.settingNamespaces(new HashSet<>(config.watchNamespaces()));
      }
    });
    operator.start();
    return new StreamPipelineOperator(operator, closing, metrics);
  }

  /**
   * A replica that loses the Lease exits, so that only the new leader reconciles. Releasing it on close is not a
   * loss: java-operator-sdk's own exit-on-stop-leading would call System.exit from close(), which in a shutdown
   * hook blocks the JVM until the kubelet kills the pod, and in tests kills the test JVM.
   */
  private static LeaderElectionConfiguration leaderElection(String namespace, String leaseName, AtomicBoolean closing) {
    LeaderCallbacks callbacks = new LeaderCallbacks(() -> {}, () -> {
      if (!closing.get()) {
        LOG.error("Lost the leader-election Lease {}/{}; exiting so that only the new leader reconciles", namespace,
            leaseName);
        System.exit(1);
      }
    }, leader -> {});
    return new LeaderElectionConfiguration(leaseName, namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, null, callbacks, false);
  }

  /** What {@code /metrics} serves (see {@link EndpointServer#metrics}). */
  public OperatorMetrics metrics() {
    return metrics;
  }

  public boolean isStarted() {
    return operator.getRuntimeInfo().isStarted();
  }

  public boolean isHealthy() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    closing.set(true);
    operator.stop();
  }
}
