package io.streampipeline.operator.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.streampipeline.model.PvcStorageSpec;
import io.streampipeline.model.S3StorageSpec;
import io.streampipeline.model.StateStorageSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.Problem;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which state storage can hold a pipeline's state, and what the refusals say. */
class StateStorageTest {

  private static final PvcStorageSpec CLAIM = new PvcStorageSpec("state");
  private static final S3StorageSpec MINIO = new S3StorageSpec("http://minio:9000", true, "creds");

  static Stream<Arguments> storages() {
    return Stream.of(
        Arguments.of(new StateStorageSpec("s3://bucket/prefix", MINIO, null), List.of()),
        Arguments.of(new StateStorageSpec("s3a://bucket", null, null), List.of()),
        Arguments.of(new StateStorageSpec("file:///flink-data", null, CLAIM), List.of()),
        Arguments.of(new StateStorageSpec("file:///flink-data", null, null),
            List.of("spec.job.stateStorage.uri: 'file:///flink-data' is on the pods' own disk")),
        Arguments.of(new StateStorageSpec("file:///", null, CLAIM),
            List.of("spec.job.stateStorage.uri: 'file:///': a volume cannot be mounted at /")),
        Arguments.of(new StateStorageSpec("file:///opt/flink/state", null, CLAIM),
            List.of("spec.job.stateStorage.uri: 'file:///opt/flink/state': a volume cannot be mounted at /opt/flink")),
        Arguments.of(new StateStorageSpec("file:///flink-data", MINIO, CLAIM),
            List.of("spec.job.stateStorage.s3: S3 settings apply only to an s3:// or s3a:// uri")),
        Arguments.of(new StateStorageSpec("s3://bucket/prefix", null, CLAIM),
            List.of("spec.job.stateStorage.pvc: a PersistentVolumeClaim is mounted only for a file:// uri")),
        Arguments.of(new StateStorageSpec("s3:///prefix", null, null),
            List.of("spec.job.stateStorage.uri: 's3:///prefix' names no bucket")),
        Arguments.of(new StateStorageSpec("gs://bucket/prefix", null, null),
            List.of("spec.job.stateStorage.uri: scheme gs:// is not supported")),
        Arguments.of(new StateStorageSpec("/flink-data", null, CLAIM),
            List.of("spec.job.stateStorage.uri: '/flink-data' is not an absolute URI")));
  }

  @ParameterizedTest
  @MethodSource("storages")
  void problemsOfAPipelinesOwnStorage(StateStorageSpec spec, List<String> expected) {
    List<String> problems = StateStorage.of(pipeline(spec), OperatorConfig.defaults()).problems().stream()
        .map(Problem::toString).toList();
    assertThat(problems).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(problems.get(i)).startsWith(expected.get(i));
    }
  }

  @Test
  void aPipelineWithoutStorageGetsTheOperatorsDefaultAndItsProblemsNameTheDefault() {
    OperatorConfig s3Default = OperatorConfig.fromEnvironment(Map.of("STREAMPIPELINE_STATE_URI", "s3://shared/sp"));
    StateStorage storage = StateStorage.of(pipeline(null), s3Default);
    assertThat(storage.isS3()).isTrue();
    assertThat(storage.pipelineDir(pipeline(null))).isEqualTo("s3://shared/sp/team-a/wordcount");

    OperatorConfig fileDefault = OperatorConfig.fromEnvironment(Map.of("STREAMPIPELINE_STATE_URI", "file:///data"));
    assertThat(StateStorage.of(pipeline(null), fileDefault).problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).startsWith("the operator's default state storage (Helm value job.stateStorage");
      assertThat(p.message()).contains("is on the pods' own disk");
    });
  }

  @Test
  void noFlinkDeploymentIsBuiltOnStorageThatCannotWork() {
    StreamPipeline pipeline = pipeline(new StateStorageSpec("file:///flink-data", null, null));
    assertThatThrownBy(() -> PipelineChildren.flinkDeployment(pipeline, OperatorConfig.defaults()))
        .isInstanceOf(InvalidPlanException.class).hasMessageContaining("is on the pods' own disk");
  }

  /** The test resources' word count in namespace team-a, with the given storage. */
  private static StreamPipeline pipeline(StateStorageSpec storage) {
    StreamPipeline pipeline = Serialization.unmarshal(
        StateStorageTest.class.getResourceAsStream("/wordcount-pipeline.yaml"), StreamPipeline.class);
    pipeline.getMetadata().setNamespace("team-a");
    pipeline.getSpec().getJob().setStateStorage(storage);
    return pipeline;
  }
}
