package io.streampipeline.bench.job;

import java.time.Duration;
import java.util.List;

/** (1) Stateless: the JSON filter and projection of {@link Workload#SQL} over ~200-byte events. */
final class FilterScenario implements Scenario {

  private final Workload workload = new Workload();

  @Override
  public String name() {
    return "filter";
  }

  @Override
  public void load(String bootstrapServers, String topic, int partitions, long records) {
    workload.load(bootstrapServers, topic, records);
  }

  @Override
  public String specJson(String input, String output, String deadLetter) {
    return """
        {"sources": [{"name": "events", "topic": "%s", "format": "json", "startingOffsets": "earliest",
           "schema": [{"name": "id", "type": "BIGINT", "required": true}, {"name": "ts", "type": "BIGINT", "required": true},
                      {"name": "user_id", "type": "STRING"}, {"name": "country", "type": "STRING"},
                      {"name": "amount", "type": "DOUBLE", "required": true}, {"name": "paid", "type": "BOOLEAN"},
                      {"name": "session", "type": "STRING"}, {"name": "note", "type": "STRING"}]}],
         "transform": {"sql": "%s"},
         "sink": {"topic": "%s"}, "deadLetter": {"topic": "%s"}}
        """.formatted(input, Workload.SQL, output, deadLetter);
  }

  @Override
  public List<String> peerSql(String input, String output, PeerSqlJob.Tables tables) {
    return List.of(
        "CREATE TABLE events (id BIGINT NOT NULL, ts BIGINT NOT NULL, user_id STRING, country STRING,"
            + " amount DOUBLE NOT NULL, paid BOOLEAN, session STRING, note STRING) WITH ("
            + tables.source(input, "json") + ")",
        "CREATE TABLE filtered (id BIGINT, ts BIGINT, user_id STRING, amount DOUBLE) WITH ("
            + tables.sink(output, "json") + ")",
        "INSERT INTO filtered " + Workload.SQL);
  }

  @Override
  public long awaitComplete(OutputWatch watch) throws InterruptedException {
    return watch.awaitVisible(workload.kept(), Duration.ofMinutes(5));
  }

  @Override
  public boolean hasCopyBaseline() {
    return true;
  }

  Workload workload() {
    return workload;
  }
}
