package io.streampipeline.job;

import static io.streampipeline.job.Plans.fanOut;
import static io.streampipeline.job.Plans.namedJsonSink;
import static io.streampipeline.job.Plans.rawSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.plan.InvalidPlanException;
import io.streampipeline.plan.PipelinePlan;
import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * How the job reads the INSERT INTO statements of a plan with several sinks, and what it refuses, before
 * anything runs. What the sinks write is checked against a broker in {@link FailureRecoveryTest}.
 */
class SinkStatementsTest {

  private static final String TWO_STATEMENTS = """
      INSERT INTO shouted SELECT UPPER(line) AS line FROM lines;
      INSERT INTO whispered SELECT LOWER(line) AS line, ';' AS semicolon FROM lines;""";

  @Test
  void eachStatementIsWrittenByItsOwnSinkInOneJob() {
    List<String> uids = LocalPipeline.streamGraph(plan(TWO_STATEMENTS), 1).getStreamNodes().stream()
        .map(StreamNode::getTransformationUID).filter(Objects::nonNull).toList();
    assertThat(uids).contains("source-lines", "sink-shouted", "sink-whispered").doesNotContain("sink");
  }

  @Test
  void theLastStatementNeedsNoSemicolonAndCommentsAreSql() {
    assertThat(LocalPipeline.jobGraph(plan("""
        -- shout; then whisper
        INSERT INTO shouted SELECT UPPER(line) AS line FROM lines; /* ; */
        INSERT INTO whispered SELECT LOWER(line) AS line FROM lines"""), 1).getVertices()).isNotEmpty();
  }

  @Test
  void aStatementWritingATableThatIsNoSinkIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> build(TWO_STATEMENTS + "\nINSERT INTO shoutd SELECT line FROM lines;"))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("transform.sql: line 3, column 13: INSERT INTO writes table 'shoutd', which is not a sink"
            + " (sinks: shouted, whispered)");
  }

  @Test
  void aSinkNoStatementWritesIsRefused() {
    assertThatThrownBy(() -> build("INSERT INTO shouted SELECT UPPER(line) AS line FROM lines;"))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("sinks[1]: no statement of transform.sql writes sink 'whispered'; add INSERT INTO whispered"
            + " SELECT ... or remove the sink");
  }

  @Test
  void aSinkWrittenByTwoStatementsIsRefused() {
    assertThatThrownBy(() -> build(TWO_STATEMENTS + "\nINSERT INTO shouted SELECT line FROM lines;"))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("sinks[0]: sink 'shouted' is written by two statements");
  }

  @Test
  void aQueryBesideTheStatementsIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> build(TWO_STATEMENTS + "\nSELECT line FROM lines;"))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("transform.sql: line 3, column 1: ");
  }

  @Test
  void aParseErrorInTheSecondStatementIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> build("""
        INSERT INTO shouted SELECT UPPER(line) AS line FROM lines;
        INSERT INTO whispered SELECT LOWER(line) AS line FORM lines;"""))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("transform.sql: line 2, column 50: Encountered \"FORM\" at line 2, column 50.");
  }

  @Test
  void aSinksKeyIsCheckedAgainstItsOwnStatement() {
    PipelinePlan plan = fanOut(base(TWO_STATEMENTS), namedJsonSink("shouted", "loud", "line"),
        namedJsonSink("whispered", "quiet", "nope"));
    assertThatThrownBy(() -> LocalPipeline.jobGraph(plan, 1))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage("sinks[1].key[0]: the query has no column 'nope'; its columns are [line, semicolon]");
  }

  private static void build(String sql) {
    LocalPipeline.jobGraph(plan(sql), 1);
  }

  private static PipelinePlan plan(String sql) {
    return fanOut(base(sql), namedJsonSink("shouted", "loud"), namedJsonSink("whispered", "quiet"));
  }

  private static PipelinePlan base(String sql) {
    return Plans.plan("localhost:9092", List.of(rawSource("lines", "lines")), sql, null, null,
        DeliveryGuarantee.EXACTLY_ONCE);
  }
}
