package io.streampipeline.job;

import static io.streampipeline.job.Plans.column;
import static io.streampipeline.job.Plans.jsonSink;
import static io.streampipeline.job.Plans.jsonSource;
import static io.streampipeline.job.Plans.plan;
import static io.streampipeline.job.Plans.rawSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.EventTimePlan;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans the job refuses when it starts, before anything runs, with a message naming what to fix. */
class PlanRefusalTest {

  private static final String WORD_COUNT =
      "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word";

  @Test
  void updatingQueryWithoutKeyIsRefused() {
    assertThatThrownBy(() -> build(WORD_COUNT, jsonSink("counts")))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("sink.key: the query produces updates");
  }

  @Test
  void keyThatIsNotAUniqueKeyOfTheResultIsRefused() {
    assertThatThrownBy(() -> build(WORD_COUNT, jsonSink("counts", "cnt")))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("sink.key: [cnt] is not a unique key of the query's result");
  }

  @Test
  void updatingQueryKeyedOnItsGroupingIsAccepted() {
    assertThat(LocalPipeline.jobGraph(plan(WORD_COUNT, jsonSink("counts", "word")), 1).getVertices()).isNotEmpty();
  }

  @Test
  void keyNamingAnUnknownColumnIsRefused() {
    assertThatThrownBy(() -> build("SELECT line FROM lines", jsonSink("out", "nope")))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("sink.key[0]: the query has no column 'nope'; its columns are [line]");
  }

  @Test
  void rawSinkOfMoreThanOneColumnIsRefused() {
    assertThatThrownBy(() -> build("SELECT line, CHAR_LENGTH(line) AS n FROM lines",
        new SinkPlan("out", Format.RAW, List.of())))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("sink.format: a raw sink writes one STRING column");
  }

  @Test
  void rawSinkOfANumberIsRefused() {
    assertThatThrownBy(() -> build("SELECT CHAR_LENGTH(line) AS n FROM lines",
        new SinkPlan("out", Format.RAW, List.of())))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("sink.format: a raw sink writes one STRING column");
  }

  @Test
  void sqlNamingAMissingTableIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> build("SELECT line FROM nope", jsonSink("out")))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("transform.sql: line 1, column 18: Object 'nope' not found");
  }

  @Test
  void sqlThatDoesNotParseIsRefusedWithTheParsersPosition() {
    assertThatThrownBy(() -> build("SELECT line\nFROM lines\nGROUP line", jsonSink("out")))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("transform.sql: line 3, column 7: Encountered \"line\"");
  }

  @Test
  void sqlEndingTooEarlyIsRefusedWithAPosition() {
    assertThatThrownBy(() -> build("SELECT line FROM", jsonSink("out")))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("transform.sql: line 1, column ");
  }

  @Test
  void sqlNamingAMissingColumnIsRefused() {
    assertThatThrownBy(() -> build("SELECT price FROM lines", jsonSink("out")))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("transform.sql: ")
        .hasMessageContaining("Column 'price' not found");
  }

  @Test
  void planWithAMissingFieldIsRefusedNamingIt() {
    String json = PlanCodec.encode(plan("SELECT line FROM lines", jsonSink("out")))
        .replaceFirst("\"topic\":\"[^\"]*\",", "");
    assertThatThrownBy(() -> PipelineJob.readPlan(new String[] {"--plan", json}))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("sources[0].topic");
  }

  @Test
  void planIsReadFromAFile(@TempDir Path dir) throws Exception {
    PipelinePlan plan = plan("SELECT line FROM lines", jsonSink("out"));
    Path file = dir.resolve("plan.json");
    Files.writeString(file, PlanCodec.encode(plan));
    assertThat(PipelineJob.readPlan(new String[] {"--plan-file", file.toString()})).isEqualTo(plan);
  }

  @Test
  void missingPlanArgumentIsRefused() {
    assertThatThrownBy(() -> PipelineJob.readPlan(new String[0]))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("plan: missing: pass --plan <json> or --plan-file <path>");
  }

  @Test
  void exactlyOnceWithACheckpointIntervalLongerThanKafkaTransactionsIsRefused() {
    PipelinePlan base = plan("SELECT line FROM lines", jsonSink("out"));
    PipelinePlan slow = new PipelinePlan(base.version(), base.pipeline(), base.bootstrapServers(), base.sources(),
        base.sql(), base.sink(), null, base.delivery(), 600_000, 1, 1, base.consumerGroup(),
        base.transactionalIdPrefix(), base.state(), null);
    assertThatThrownBy(() -> LocalPipeline.jobGraph(slow, 1))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("checkpointIntervalMs: exactly-once writes one Kafka transaction per checkpoint");
  }

  @Test
  void jsonSourceColumnsAreTypedInSql() {
    PipelinePlan typed = Plans.plan("localhost:9092", List.of(jsonSource("orders", "orders",
        List.of(column("id", "BIGINT", true)), null)), "SELECT id + 'x' AS bad FROM orders", jsonSink("out"), null,
        DeliveryGuarantee.AT_LEAST_ONCE);
    assertThatThrownBy(() -> LocalPipeline.jobGraph(typed, 1))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("transform.sql: ");
  }

  @Test
  void aProcessingTimeTemporalJoinIsRefusedSayingFlinkDoesNotSupportIt() {
    PipelinePlan join = Plans.plan("localhost:9092", List.of(
        jsonSource("orders", "orders", List.of(column("id", "BIGINT", true), column("currency", "STRING", true)), null),
        new SourcePlan("rates", "rates", Format.JSON, List.of(column("currency", "STRING", true),
            column("rate", "BIGINT", true), column("updated", "TIMESTAMP(3)", true)),
            StartingOffsets.of(StartingOffsets.Mode.EARLIEST), new EventTimePlan("updated", 0, 0),
            List.of("currency"))),
        "SELECT o.id, r.rate FROM (SELECT *, PROCTIME() AS pt FROM orders) o"
            + " JOIN rates FOR SYSTEM_TIME AS OF o.pt AS r ON o.currency = r.currency",
        jsonSink("out"), null, DeliveryGuarantee.AT_LEAST_ONCE);
    assertThatThrownBy(() -> LocalPipeline.jobGraph(join, 1))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("transform.sql: a processing-time temporal join");
  }

  private static void build(String sql, SinkPlan sink) {
    LocalPipeline.jobGraph(plan(sql, sink), 1);
  }

  private static PipelinePlan plan(String sql, SinkPlan sink) {
    return Plans.plan("localhost:9092", List.of(rawSource("lines", "lines")), sql, sink, null,
        DeliveryGuarantee.EXACTLY_ONCE);
  }
}
