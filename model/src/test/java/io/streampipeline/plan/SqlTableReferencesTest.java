package io.streampipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTableReferencesTest {

  @Test
  void wordCountReadsItsSourceAndNotTheLateralFunction() {
    assertThat(SqlTableReferences.tablesRead(
        "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) GROUP BY word"))
        .containsExactly("lines");
  }

  @Test
  void joinsWindowsAndSubqueriesAreFollowed() {
    assertThat(SqlTableReferences.tablesRead("""
        SELECT o.id, c.name FROM orders AS o
        JOIN customers c ON o.customer = c.id
        WHERE o.amount > (SELECT AVG(amount) FROM `big orders`)"""))
        .containsExactlyInAnyOrder("orders", "customers", "big orders");
    assertThat(SqlTableReferences.tablesRead("""
        SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
        GROUP BY window_start, window_end"""))
        .containsExactly("clicks");
  }

  @Test
  void fromInsideFunctionArgumentsIsNoTable() {
    assertThat(SqlTableReferences.tablesRead(
        "SELECT EXTRACT(HOUR FROM ts) AS h, TRIM(BOTH ' ' FROM name), SUBSTRING(name FROM 2 FOR 3) FROM people"))
        .containsExactly("people");
  }

  @Test
  void commonTableExpressionsAndCommentsAndLiteralsAreNotTables() {
    assertThat(SqlTableReferences.tablesRead("""
        WITH recent AS (SELECT * FROM events WHERE kind <> 'FROM nowhere') -- FROM comments
        SELECT * FROM recent /* FROM hidden */"""))
        .containsExactly("events");
  }

  @Test
  void theSpecValidatorNamesATableThatIsNoSource() {
    var spec = new io.streampipeline.model.StreamPipelineSpec();
    var kafka = new io.streampipeline.model.KafkaSpec();
    kafka.setCluster("events");
    spec.setKafka(kafka);
    var source = new io.streampipeline.model.SourceSpec();
    source.setName("lines");
    source.setTopic("lines");
    spec.getSources().add(source);
    spec.setTransform(new io.streampipeline.model.TransformSpec("SELECT line FROM linez"));
    var sink = new io.streampipeline.model.SinkSpec();
    sink.setTopic("out");
    spec.setSink(sink);
    assertThat(SpecValidator.validate(spec)).extracting(Problem::toString)
        .containsExactly("spec.transform.sql: reads table 'linez', which is not a source (sources: lines)");
  }
}
