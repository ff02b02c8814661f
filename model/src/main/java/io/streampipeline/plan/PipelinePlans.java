package io.streampipeline.plan;

import io.streampipeline.model.Changelog;
import io.streampipeline.model.ColumnSpec;
import io.streampipeline.model.Durations;
import io.streampipeline.model.EventTimeSpec;
import io.streampipeline.model.Format;
import io.streampipeline.model.JobSpec;
import io.streampipeline.model.SinkSpec;
import io.streampipeline.model.SourceSpec;
import io.streampipeline.model.StreamPipelineSpec;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/** Turns a {@link StreamPipelineSpec} into the {@link PipelinePlan} its job runs. Pure: no I/O. */
public final class PipelinePlans {

  private PipelinePlans() {}

  /**
   * @throws InvalidPlanException with every problem of the spec, named by field
   */
  public static PipelinePlan fromSpec(String namespace, String name, StreamPipelineSpec spec) {
    SpecValidator.requireValid(spec);
    JobSpec job = spec.getJob() == null ? new JobSpec() : spec.getJob();
    String identity = namespace + "." + name;
    return new PipelinePlan(
        PlanCodec.CURRENT_VERSION,
        namespace + "/" + name,
        bootstrapServers(namespace, spec),
        spec.getSources().stream().map(PipelinePlans::source).toList(),
        spec.getTransform().getSql(),
        spec.getSink() == null ? null : sink(spec.getSink(), null),
        spec.getDeadLetter() == null ? null : spec.getDeadLetter().getTopic(),
        job.getDelivery(),
        Durations.parse("spec.job.checkpointInterval", job.getCheckpointInterval()).toMillis(),
        job.getRestartAttempts(),
        Durations.parse("spec.job.restartDelay", job.getRestartDelay()).toMillis(),
        "streampipeline." + identity,
        "streampipeline." + identity,
        new StatePlan(job.getStateBackend(), job.getStateTtl() == null ? null
            : Durations.parse("spec.job.stateTtl", job.getStateTtl()).toMillis()),
        null,
        spec.getSinks() == null ? null : spec.getSinks().stream().map(s -> sink(s, s.getName())).toList());
  }

  private static SinkPlan sink(SinkSpec sink, String name) {
    return new SinkPlan(sink.getTopic(), sink.getFormat(), List.copyOf(sink.getKey()), name);
  }

  /** Strimzi's bootstrap Service for the cluster, unless the spec names servers. */
  public static String bootstrapServers(String namespace, StreamPipelineSpec spec) {
    String servers = spec.getKafka().getBootstrapServers();
    if (servers != null && !servers.isBlank()) {
      return servers;
    }
    return spec.getKafka().getCluster() + "-kafka-bootstrap." + namespace + ".svc:9092";
  }

  private static SourcePlan source(SourceSpec source) {
    List<ColumnPlan> columns = source.getFormat() == Format.RAW
        ? List.of(new ColumnPlan(SourcePlan.RAW_COLUMN, "STRING", true))
        : source.getSchema().stream().map(PipelinePlans::column).toList();
    EventTimeSpec time = source.getEventTime();
    EventTimePlan eventTime = time == null ? null : new EventTimePlan(time.getColumn(),
        Durations.parse("watermarkDelay", time.getWatermarkDelay()).toMillis(),
        Durations.parse("idleTimeout", time.getIdleTimeout()).toMillis());
    List<String> upsertKey = source.getChangelog() == Changelog.UPSERT ? List.copyOf(source.getKey()) : null;
    return new SourcePlan(source.getName(), source.getTopic(), source.getFormat(), columns,
        startingOffsets(source.getStartingOffsets()), eventTime, upsertKey);
  }

  private static ColumnPlan column(ColumnSpec column) {
    return new ColumnPlan(column.getName(), column.getType().toUpperCase(Locale.ROOT),
        Boolean.TRUE.equals(column.getRequired()));
  }

  static StartingOffsets startingOffsets(String text) {
    String value = text == null ? "committed" : text;
    switch (value) {
      case "committed":
        return StartingOffsets.of(StartingOffsets.Mode.COMMITTED);
      case "earliest":
        return StartingOffsets.of(StartingOffsets.Mode.EARLIEST);
      case "latest":
        return StartingOffsets.of(StartingOffsets.Mode.LATEST);
      default:
        return new StartingOffsets(StartingOffsets.Mode.TIMESTAMP,
            OffsetDateTime.parse(value).toInstant().toEpochMilli());
    }
  }
}
