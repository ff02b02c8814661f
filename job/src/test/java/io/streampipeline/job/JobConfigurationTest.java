package io.streampipeline.job;

import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.rawSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.PipelinePlan;
import java.util.List;
import org.apache.flink.runtime.jobgraph.tasks.CheckpointCoordinatorConfiguration;
import org.junit.jupiter.api.Test;

/** How the job is configured from its plan, read from the job graph it submits. */
class JobConfigurationTest {

  @Test
  void atLeastOnceCheckpointsWithoutAligningBarriers() {
    assertThat(checkpointing(DeliveryGuarantee.AT_LEAST_ONCE).isExactlyOnce()).isFalse();
  }

  @Test
  void exactlyOnceCheckpointsWithAlignedBarriers() {
    assertThat(checkpointing(DeliveryGuarantee.EXACTLY_ONCE).isExactlyOnce()).isTrue();
  }

  @Test
  void checkpointsAreTakenAtThePlansInterval() {
    assertThat(checkpointing(DeliveryGuarantee.AT_LEAST_ONCE).getCheckpointInterval()).isEqualTo(500);
  }

  private static CheckpointCoordinatorConfiguration checkpointing(DeliveryGuarantee delivery) {
    PipelinePlan plan = Plans.plan("localhost:9092", List.of(rawSource("lines", "lines")),
        "SELECT line FROM lines", jsonSink("out"), null, delivery);
    return LocalPipeline.jobGraph(plan, 1).getCheckpointingSettings().getCheckpointCoordinatorConfiguration();
  }
}
