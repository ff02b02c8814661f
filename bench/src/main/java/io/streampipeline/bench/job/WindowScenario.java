package io.streampipeline.bench.job;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * (3) Event time: a ten-second tumbling window per country over a multi-partition source, watermarks per partition
 * one second behind. Event {@code i} happens at {@code i} ms after a fixed start (about 1,000 events a second of
 * event time, spread by the producer over the partitions); a last event per partition a minute later closes every
 * window. Complete when every (window, country) the events fall in has been written.
 *
 * <p>The rate is measured from the first output record, so the first window must fire as soon as a contender
 * starts reading, not after it has read a whole window: each partition starts with a prelude event twenty
 * seconds before the others, whose window closes as soon as every partition's first regular event is read.
 */
final class WindowScenario implements Scenario {

  private static final LocalDateTime START = LocalDateTime.of(2026, 1, 1, 0, 0);
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
  private static final String[] COUNTRIES = {"DE", "FR", "NL", "PL", "ES", "IT", "SE", "PT"};
  private static final String SQL = "SELECT window_start, window_end, country, COUNT(*) AS events,"
      + " SUM(amount) AS amount FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))"
      + " GROUP BY window_start, window_end, country";

  private static final long PRELUDE_MS = 20_000;

  private long windows;

  @Override
  public String name() {
    return "window";
  }

  @Override
  public void load(String bootstrapServers, String topic, int partitions, long records) {
    SplittableRandom random = new SplittableRandom(11);
    Set<String> windowKeys = new HashSet<>();
    try (KafkaProducer<byte[], byte[]> producer = Workload.producer(bootstrapServers)) {
      for (int partition = 0; partition < partitions; partition++) {
        producer.send(new ProducerRecord<>(topic, partition, null, event(-PRELUDE_MS, "AA", 0)));
      }
      windowKeys.add("prelude");
      producer.flush();
      for (long i = 0; i < records; i++) {
        String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
        windowKeys.add(i / 10_000 + country);
        producer.send(new ProducerRecord<>(topic, event(i, country, random.nextInt(0, 10_000) / 100.0)));
      }
      producer.flush();
      for (int partition = 0; partition < partitions; partition++) {
        producer.send(new ProducerRecord<>(topic, partition, null, event(records + 60_000, "ZZ", 0)));
      }
    }
    windows = windowKeys.size();
  }

  private static byte[] event(long i, String country, double amount) {
    return ("{\"id\":" + i + ",\"ts\":\"" + ISO.format(START.plusNanos(i * 1_000_000)) + "\",\"country\":\""
        + country + "\",\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String specJson(String input, String output, String deadLetter) {
    return """
        {"sources": [{"name": "events", "topic": "%s", "format": "json", "startingOffsets": "earliest",
           "schema": [{"name": "id", "type": "BIGINT", "required": true}, {"name": "ts", "type": "TIMESTAMP(3)", "required": true},
                      {"name": "country", "type": "STRING", "required": true}, {"name": "amount", "type": "DOUBLE", "required": true}],
           "eventTime": {"column": "ts", "watermarkDelay": "1s"}}],
         "transform": {"sql": "%s"},
         "sink": {"topic": "%s"}, "deadLetter": {"topic": "%s"}}
        """.formatted(input, SQL, output, deadLetter);
  }

  @Override
  public List<String> peerSql(String input, String output, PeerSqlJob.Tables tables) {
    return List.of(
        "CREATE TABLE events (id BIGINT NOT NULL, ts TIMESTAMP(3) NOT NULL, country STRING NOT NULL,"
            + " amount DOUBLE NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ("
            + tables.source(input, "json") + ", 'json.timestamp-format.standard' = 'ISO-8601')",
        "CREATE TABLE totals (window_start TIMESTAMP(3), window_end TIMESTAMP(3), country STRING, events BIGINT,"
            + " amount DOUBLE) WITH (" + tables.sink(output, "json") + ")",
        "INSERT INTO totals " + SQL);
  }

  @Override
  public long awaitComplete(OutputWatch watch) throws InterruptedException {
    return watch.awaitVisible(windows, Duration.ofMinutes(5));
  }
}
