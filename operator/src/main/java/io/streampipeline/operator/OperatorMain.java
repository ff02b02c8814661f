package io.streampipeline.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.metrics.ApiRequests;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's process entry point (the image's and {@code streampipeline operator}'s): runs against the
 * current kubeconfig or in-cluster service account until stopped.
 *
 * <p>Environment: {@code STREAMPIPELINE_WATCH_NAMESPACES}, {@code STREAMPIPELINE_JOB_IMAGE},
 * {@code STREAMPIPELINE_FLINK_SERVICE_ACCOUNT}, {@code STREAMPIPELINE_STATE_*},
 * {@code STREAMPIPELINE_LEADER_ELECTION_LEASE_NAME} (see {@link OperatorConfig}),
 * {@code STREAMPIPELINE_HEALTH_PORT} (8080: {@code /healthz}, {@code /readyz}), {@code STREAMPIPELINE_METRICS_PORT}
 * (8081: {@code /metrics}), {@code STREAMPIPELINE_LEADER_ELECTION_NAMESPACE} (unset: no leader election).
 */
public final class OperatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    run(System.getenv());
  }

  public static void run(Map<String, String> env) throws Exception {
    OperatorConfig config = OperatorConfig.fromEnvironment(env);
    int healthPort = Integer.parseInt(env.getOrDefault("STREAMPIPELINE_HEALTH_PORT", "8080"));
    int metricsPort = Integer.parseInt(env.getOrDefault("STREAMPIPELINE_METRICS_PORT", "8081"));
    Optional<String> leaseNamespace = Optional.ofNullable(env.get("STREAMPIPELINE_LEADER_ELECTION_NAMESPACE"))
        .filter(s -> !s.isBlank());
    CountDownLatch stopped = new CountDownLatch(1);
    ApiRequests requests = new ApiRequests();
    try (KubernetesClient client = requests.instrument(new KubernetesClientBuilder()).build()) {
      LOG.info("Starting StreamPipeline operator against {} (namespaces: {})", client.getMasterUrl(),
          config.watchNamespaces().isEmpty() ? "all" : config.watchNamespaces());
      StreamPipelineOperator operator = StreamPipelineOperator.start(client, config, leaseNamespace);
      operator.metrics().countRequests(requests);
      EndpointServer health = EndpointServer.health(healthPort, operator::isHealthy);
      EndpointServer metrics = EndpointServer.metrics(metricsPort, operator.metrics()::scrape);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("Stopping StreamPipeline operator");
        health.close();
        metrics.close();
        operator.close();
        stopped.countDown();
      }, "shutdown"));
      stopped.await();
    }
  }
}
