package io.streampipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streampipeline.model.KafkaSpec;
import io.streampipeline.model.NamedSinkSpec;
import io.streampipeline.model.SinkSpec;
import io.streampipeline.model.SourceSpec;
import io.streampipeline.model.StreamPipelineSpec;
import io.streampipeline.model.TransformSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner-free check the operator and validate share: INSERT INTO statements write exactly the sinks. */
class SinkStatementsCheckTest {

  @Test
  void insertTargetsAreFoundWithTheirPositionOutsideCommentsAndStrings() {
    assertThat(SqlTableReferences.insertTargets("""
        -- INSERT INTO commented SELECT 1
        INSERT INTO upper_case SELECT UPPER(line) FROM lines;
          insert into `lower case`
          SELECT 'INSERT INTO quoted' FROM lines /* INSERT INTO hidden */;"""))
        .containsExactly(new SqlTableReferences.InsertTarget("upper_case", 2, 13),
            new SqlTableReferences.InsertTarget("lower case", 3, 15));
  }

  @Test
  void statementsWritingExactlyTheSinksPass() {
    StreamPipelineSpec spec = fanOut("""
        INSERT INTO shouted SELECT UPPER(line) AS line FROM lines;
        INSERT INTO whispered SELECT LOWER(line) AS line FROM lines;""");
    assertThat(SpecValidator.validate(spec)).isEmpty();
  }

  @Test
  void aStatementWritingATableThatIsNoSinkIsNamedByLineAndColumn() {
    StreamPipelineSpec spec = fanOut("""
        INSERT INTO shouted SELECT UPPER(line) AS line FROM lines;
        INSERT INTO whispered SELECT LOWER(line) AS line FROM lines;
        INSERT INTO shoutd SELECT line FROM lines;""");
    assertThat(SpecValidator.validate(spec)).extracting(Problem::toString).containsExactly(
        "spec.transform.sql: line 3, column 13: INSERT INTO writes table 'shoutd', which is not a sink"
            + " (sinks: shouted, whispered)");
  }

  @Test
  void aSinkNoStatementWritesIsNamedByIndex() {
    StreamPipelineSpec spec = fanOut("INSERT INTO shouted SELECT UPPER(line) AS line FROM lines;");
    assertThat(SpecValidator.validate(spec)).extracting(Problem::toString).containsExactly(
        "spec.sinks[1]: no statement of spec.transform.sql writes sink 'whispered'; add INSERT INTO whispered"
            + " SELECT ... or remove the sink");
  }

  @Test
  void anInsertWithTheSingleSinkIsRefused() {
    StreamPipelineSpec spec = fanOut("INSERT INTO shouted SELECT UPPER(line) AS line FROM lines");
    spec.setSinks(null);
    SinkSpec sink = new SinkSpec();
    sink.setTopic("out");
    spec.setSink(sink);
    assertThat(SpecValidator.validate(spec)).extracting(Problem::toString).containsExactly(
        "spec.transform.sql: line 1, column 13: INSERT INTO needs spec.sinks; with spec.sink the SQL is one"
            + " query, whose result the sink writes");
  }

  @Test
  void thePlanCarriesEachSinkWithItsName() {
    PipelinePlan plan = PipelinePlans.fromSpec("shop", "fan", fanOut("""
        INSERT INTO shouted SELECT UPPER(line) AS line FROM lines;
        INSERT INTO whispered SELECT LOWER(line) AS line FROM lines;"""));
    assertThat(plan.sink()).isNull();
    assertThat(plan.sinks()).extracting(SinkPlan::name, SinkPlan::topic)
        .containsExactly(tuple("shouted", "loud"),
            tuple("whispered", "quiet"));
    assertThat(PlanCodec.decode(PlanCodec.encode(plan))).isEqualTo(plan);
  }

  @Test
  void aPlanWithBothSinkAndSinksIsRefused() {
    PipelinePlan plan = PipelinePlans.fromSpec("shop", "fan", fanOut("INSERT INTO shouted SELECT line FROM lines;"
        + " INSERT INTO whispered SELECT line FROM lines"));
    PipelinePlan both = new PipelinePlan(plan.version(), plan.pipeline(), plan.bootstrapServers(), plan.sources(),
        plan.sql(), new SinkPlan("out", io.streampipeline.model.Format.JSON, List.of()), plan.deadLetterTopic(),
        plan.delivery(), plan.checkpointIntervalMs(), plan.restartAttempts(), plan.restartDelayMs(),
        plan.consumerGroup(), plan.transactionalIdPrefix(), plan.state(), plan.kafkaProperties(), plan.sinks());
    assertThat(PlanValidator.validate(both)).extracting(Problem::toString)
        .containsExactly("sink: exactly one of sink and sinks is required");
  }

  private static StreamPipelineSpec fanOut(String sql) {
    StreamPipelineSpec spec = new StreamPipelineSpec();
    KafkaSpec kafka = new KafkaSpec();
    kafka.setCluster("events");
    spec.setKafka(kafka);
    SourceSpec source = new SourceSpec();
    source.setName("lines");
    source.setTopic("lines");
    spec.getSources().add(source);
    spec.setTransform(new TransformSpec(sql));
    List<NamedSinkSpec> sinks = new ArrayList<>();
    sinks.add(sink("shouted", "loud"));
    sinks.add(sink("whispered", "quiet"));
    spec.setSinks(sinks);
    return spec;
  }

  private static NamedSinkSpec sink(String name, String topic) {
    NamedSinkSpec sink = new NamedSinkSpec();
    sink.setName(name);
    sink.setTopic(topic);
    return sink;
  }
}
