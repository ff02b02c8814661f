package io.streampipeline.bench.job;

import io.streampipeline.job.SplitWords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * (2) Keyed state: the word count of {@code deploy/examples/wordcount} (raw lines, {@code SPLIT_WORDS}, a running
 * count per word written as an upsert stream keyed by the word). Lines hold {@link #WORDS_PER_LINE} words drawn
 * from {@link #VOCABULARY} words, so the state has that many keys. Complete when every word's latest count in the
 * output is its final count.
 */
final class WordCountScenario implements Scenario {

  static final int VOCABULARY = 20_000;
  static final int WORDS_PER_LINE = 5;
  private static final String SQL = "SELECT word, COUNT(*) AS cnt FROM lines, LATERAL TABLE(SPLIT_WORDS(line))"
      + " AS T(word) GROUP BY word";

  private final Map<String, Long> finalCounts = new HashMap<>();

  @Override
  public String name() {
    return "wordcount";
  }

  @Override
  public void load(String bootstrapServers, String topic, int partitions, long records) {
    SplittableRandom random = new SplittableRandom(7);
    try (KafkaProducer<byte[], byte[]> producer = Workload.producer(bootstrapServers)) {
      StringBuilder line = new StringBuilder();
      for (long i = 0; i < records; i++) {
        line.setLength(0);
        for (int w = 0; w < WORDS_PER_LINE; w++) {
          // Skewed like text: low word numbers are frequent.
          String word = "w" + Integer.toString((int) Math.pow(random.nextInt(VOCABULARY), 2) / VOCABULARY, 36);
          finalCounts.merge(word, 1L, Long::sum);
          line.append(w == 0 ? "" : " ").append(word);
        }
        producer.send(new ProducerRecord<>(topic, line.toString().getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  @Override
  public String specJson(String input, String output, String deadLetter) {
    return """
        {"sources": [{"name": "lines", "topic": "%s", "format": "raw", "startingOffsets": "earliest"}],
         "transform": {"sql": "%s"},
         "sink": {"topic": "%s", "key": ["word"]}, "deadLetter": {"topic": "%s"}}
        """.formatted(input, SQL, output, deadLetter);
  }

  @Override
  public List<String> peerSql(String input, String output, PeerSqlJob.Tables tables) {
    return List.of(
        "CREATE TEMPORARY SYSTEM FUNCTION " + SplitWords.NAME + " AS '" + SplitWords.class.getName() + "'",
        "CREATE TABLE lines (line STRING) WITH (" + tables.source(input, "raw") + ")",
        "CREATE TABLE counts (word STRING, cnt BIGINT, PRIMARY KEY (word) NOT ENFORCED) WITH ("
            + tables.upsertSink(output) + ")",
        "INSERT INTO counts " + SQL);
  }

  @Override
  public long awaitComplete(OutputWatch watch) throws InterruptedException {
    return watch.awaitLatest("word", "cnt", finalCounts, Duration.ofMinutes(5));
  }
}
