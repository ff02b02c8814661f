package io.streampipeline.operator.metrics;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.api.StreamPipelineStatus;
import io.streampipeline.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The operator's metrics, in Prometheus' text format: JOSDK's reconciliation metrics per controller (started,
 * succeeded, failed, retries, duration, events), the JVM's, and ours. Cardinality is bounded: no series carries a
 * pipeline's name or namespace (JOSDK's per-resource metrics are off), so a cluster with ten thousand pipelines
 * exports as many series as one with ten.
 *
 * <ul>
 *   <li>{@code streampipeline_pipelines{phase}}: pipelines per phase, from the controller's cache (one series per
 *       phase, zero included, so that an alert on {@code phase="Failed"} sees the series before the first failure);
 *   <li>{@code streampipeline_gate_wait_seconds{gate="topics"|"job"}}: how long pipelines waited at a gate, recorded
 *       when it opens: {@code topics} from TopicsReady turning False (a new or grown topic) to True, {@code job}
 *       from the topics being ready (or the job stopping, whichever came later) to the job running the spec;
 *   <li>{@code streampipeline_kubernetes_requests_total{verb,resource,code}}: the operator's requests to the API
 *       server (see {@link ApiRequests});
 *   <li>JOSDK's reconcile timers ({@code operator_sdk_controllers_execution_*_seconds}) with histogram buckets, so
 *       that a p99 of reconcile duration can be read off them.
 * </ul>
 */
public final class OperatorMetrics {

  static final String PIPELINES = "streampipeline.pipelines";
  static final String GATE_WAIT = "streampipeline.gate.wait";
  /** JOSDK's timers of reconcile (and cleanup) executions. */
  static final String JOSDK_EXECUTION = "operator.sdk.controllers.execution.";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer topicsGate;
  private final Timer jobGate;

  public OperatorMetrics() {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() == Meter.Type.TIMER && id.getName().startsWith(JOSDK_EXECUTION)) {
          return DistributionStatisticConfig.builder().percentilesHistogram(true)
              .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
              .maximumExpectedValue((double) Duration.ofMinutes(1).toNanos())
              .build().merge(config);
        }
        return config;
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    topicsGate = gate("topics", "Time from a pipeline's topics not being ready to all of them being ready");
    jobGate = gate("job", "Time from a pipeline's topics being ready to its job running the current spec");
  }

  private Timer gate(String gate, String description) {
    return Timer.builder(GATE_WAIT).tag("gate", gate).description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1)).maximumExpectedValue(Duration.ofMinutes(30))
        .register(registry);
  }

  /** For JOSDK's {@code ConfigurationServiceOverrider.withMetrics}. */
  public Metrics josdk() {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }

  /** Counts pipelines per phase from {@code pipelines} (the controller's cache) at each scrape. */
  public void countPhasesOf(Supplier<Stream<StreamPipeline>> pipelines) {
    for (Phase phase : Phase.values()) {
      Gauge.builder(PIPELINES, () -> pipelines.get().filter(p -> phaseOf(p) == phase).count())
          .tag("phase", phase.name())
          .description("StreamPipelines per phase")
          .strongReference(true)
          .register(registry);
    }
  }

  private static Phase phaseOf(StreamPipeline pipeline) {
    return pipeline.getStatus() == null || pipeline.getStatus().getPhase() == null ? Phase.Pending
        : pipeline.getStatus().getPhase();
  }

  /** Records a gate's waiting time when a status change opens it. */
  public void statusChanged(StreamPipelineStatus before, StreamPipelineStatus after, Instant now) {
    if (before == null) {
      return;
    }
    opened(before, after, Conditions.TOPICS_READY).ifPresent(closedSince ->
        topicsGate.record(Duration.between(closedSince, now)));
    opened(before, after, Conditions.JOB_READY).ifPresent(closedSince -> {
      Instant topicsReadySince = since(before, Conditions.TOPICS_READY, "True").orElse(closedSince);
      jobGate.record(Duration.between(topicsReadySince.isAfter(closedSince) ? topicsReadySince : closedSince, now));
    });
  }

  /** When the condition turned False, if it was False before and is True after. */
  private static Optional<Instant> opened(StreamPipelineStatus before, StreamPipelineStatus after, String type) {
    boolean nowTrue = after.condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
    return nowTrue ? since(before, type, "False") : Optional.empty();
  }

  private static Optional<Instant> since(StreamPipelineStatus status, String type, String value) {
    return status.condition(type)
        .filter(c -> value.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .map(Instant::parse);
  }

  /** Counts the API requests {@code requests} sees (an interceptor of the operator's client) from now on. */
  public void countRequests(ApiRequests requests) {
    requests.bindTo(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
