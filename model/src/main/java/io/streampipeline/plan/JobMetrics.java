package io.streampipeline.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The job's metrics as one pipeline's numbers, by stable names, and how to read them from the Flink REST API
 * of the job's cluster (the JobManager's {@code /jobs/...} endpoints, which sum every subtask).
 *
 * <ul>
 *   <li>{@value #LATE_RECORDS_DROPPED}: records that arrived after the window they belong to had fired and
 *       were dropped by Flink SQL's event-time operators (window aggregates, window joins, ranks and
 *       deduplications, OVER aggregates), the sum of their {@value #FLINK_LATE_RECORDS_DROPPED} counters.
 *       Flink 1.20 cannot emit those records; the job cannot rename an SQL operator's metric, so this is
 *       the one definition of the per-pipeline number. Any value above 0 means results are missing records:
 *       raise {@code eventTime.watermarkDelay}, or fix the producer that is late.
 *   <li>{@value #RECORDS_IN} per source: records the job read from the source's topic, readable or not (the
 *       job's own counter, in the metric group {@value #SOURCE_GROUP} of the source's name).
 *   <li>{@value #DEAD_LETTERED_RECORDS} per source: records of the source sent to the dead-letter topic (the job's
 *       own counter, in the same group).
 *   <li>{@value #RECORDS_OUT} per sink: records the job wrote to the sink's topic, tombstones included (the job's
 *       own counter, in the metric group {@value #SINK_GROUP} of the sink's topic; Flink puts what a sink's record
 *       serializer registers under its {@code user} group). With exactly-once they become visible to
 *       {@code read_committed} readers when the checkpoint that follows completes.
 *   <li>{@value #FAILED_COMMITS}: Kafka transactions of exactly-once sinks (the sink's and the dead-letter topic's)
 *       whose commit failed and that the job gave up on: Flink's committer counter, summed over the job's sinks.
 *       flink-connector-kafka 3.4 logs and continues when a commit fails with {@code ProducerFencedException},
 *       {@code InvalidTxnStateException} or {@code UnknownProducerIdException}: the broker had already aborted the
 *       transaction (most often because it outlived {@code transaction.timeout.ms}, say a restart that took longer
 *       than it), so its records are lost. Any value above 0 means the sink misses records.
 *   <li>{@value #PENDING_RECORDS} per source: records in the source's Kafka partitions that the job has not read
 *       yet (Flink's standard source metric; the Kafka source sums its consumer's {@code records-lag} over the
 *       partitions each subtask reads). It is the job's own view of its backlog: committed group offsets lag a
 *       checkpoint behind. A source registers it only after its first fetch that returned records.
 * </ul>
 */
public final class JobMetrics {

  public static final String LATE_RECORDS_DROPPED = "lateRecordsDropped";
  public static final String DEAD_LETTERED_RECORDS = "deadLetteredRecords";
  public static final String RECORDS_IN = "recordsIn";
  public static final String RECORDS_OUT = "recordsOut";
  /** The key of the job's per-source metric group; its value is the source's name. */
  public static final String SOURCE_GROUP = "source";
  /** The key of the job's per-sink metric group; its value is the sink's topic. */
  public static final String SINK_GROUP = "sink";
  public static final String PENDING_RECORDS = "pendingRecords";
  /** Flink's own name (sink committer metric group, Flink 1.19+), stable across Flink releases. */
  public static final String FAILED_COMMITS = "failedCommittables";

  /** Flink truncates operator names in metric identifiers to this length (TaskMetricGroup). */
  private static final int FLINK_OPERATOR_NAME_MAX_LENGTH = 80;

  /** Flink's counter of late records dropped, on every operator that drops them. */
  static final String FLINK_LATE_RECORDS_DROPPED = "numLateRecordsDropped";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final URI rest;

  /** @param rest the Flink REST endpoint, such as {@code http://<deployment>-rest.<namespace>:8081} */
  public JobMetrics(HttpClient http, URI rest) {
    this.http = http;
    this.rest = rest;
  }

  /** The pipeline's {@value #LATE_RECORDS_DROPPED}: late records dropped by the running job {@code jobId}. */
  public long lateRecordsDropped(String jobId) throws IOException, InterruptedException {
    return sum(jobId, FLINK_LATE_RECORDS_DROPPED);
  }

  /** The pipeline's {@value #DEAD_LETTERED_RECORDS} for the running job {@code jobId}. */
  public long deadLetteredRecords(String jobId) throws IOException, InterruptedException {
    return sum(jobId, DEAD_LETTERED_RECORDS);
  }

  /**
   * The pipeline's {@value #FAILED_COMMITS} for the running job {@code jobId}: transactions lost since its tasks last
   * (re)started (Flink's counters start again at 0 on a restart).
   */
  public long failedCommits(String jobId) throws IOException, InterruptedException {
    return sum(jobId, FAILED_COMMITS);
  }

  /**
   * The name the job gives the Kafka source operator of the source {@code source}; the job uses it, and
   * {@link #pendingRecords} finds the source's metrics by it.
   */
  public static String sourceOperatorName(String source) {
    return "source " + source;
  }

  /**
   * The {@value #PENDING_RECORDS} of each of {@code sources} (by name) in the running job {@code jobId}, summed
   * over its subtasks. A source without a reading yet (no fetch returned records so far, or Flink has not fetched
   * the metric yet) is absent from the map.
   */
  public Map<String, Long> pendingRecords(String jobId, List<String> sources) throws IOException, InterruptedException {
    Map<String, String> sourceByMetric = new HashMap<>();
    for (String source : sources) {
      sourceByMetric.put(metricIdOfSourceOperator(source) + "." + PENDING_RECORDS, source);
    }
    Map<String, Long> pending = new TreeMap<>();
    forEachSum(jobId, sourceByMetric::containsKey, (id, sum) -> pending.merge(sourceByMetric.get(id), sum, Long::sum));
    return pending;
  }

  /**
   * How Flink names a source operator in metric identifiers: {@code "Source: "} and the name given to
   * {@code fromSource} (SourceTransformationTranslator), cut to 80 characters, with the characters the metric
   * query service replaces ({@code ' '}, {@code ','}, {@code '.'}, {@code ':'}) as {@code '_'}.
   */
  static String metricIdOfSourceOperator(String source) {
    String name = "Source: " + sourceOperatorName(source);
    if (name.length() > FLINK_OPERATOR_NAME_MAX_LENGTH) {
      name = name.substring(0, FLINK_OPERATOR_NAME_MAX_LENGTH);
    }
    return name.replaceAll("[ ,.:]", "_");
  }

  /**
   * The sum over every vertex, operator and subtask of the job of the metric {@code name}. A vertex lists an
   * operator's metric as {@code <operator>.<name>}; metrics Flink has not fetched yet count as 0 (the REST
   * API refreshes them every {@code metrics.fetcher.update-interval}, 10 s by default).
   */
  long sum(String jobId, String name) throws IOException, InterruptedException {
    long[] total = {0};
    forEachSum(jobId, id -> id.equals(name) || id.endsWith("." + name), (id, sum) -> total[0] += sum);
    return total[0];
  }

  /** Gives {@code action} each metric id of the job's vertices that {@code wanted} accepts, with its subtasks' sum. */
  private void forEachSum(String jobId, Predicate<String> wanted, BiConsumer<String, Long> action)
      throws IOException, InterruptedException {
    for (JsonNode vertex : get("jobs/" + jobId).path("vertices")) {
      String metrics = "jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
      for (JsonNode metric : get(metrics)) {
        String id = metric.path("id").asText();
        if (wanted.test(id)) {
          for (JsonNode value : get(metrics + "?agg=sum&get=" + URLEncoder.encode(id, StandardCharsets.UTF_8))) {
            action.accept(id, (long) value.path("sum").asDouble());
          }
        }
      }
    }
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve("/" + path)).timeout(TIMEOUT).GET()
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " from Flink: HTTP " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
