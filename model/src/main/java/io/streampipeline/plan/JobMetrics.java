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
 *   <li>{@value #DEAD_LETTERED_RECORDS}: records sent to the dead-letter topic (the job's own counter).
 * </ul>
 */
public final class JobMetrics {

  public static final String LATE_RECORDS_DROPPED = "lateRecordsDropped";
  public static final String DEAD_LETTERED_RECORDS = "deadLetteredRecords";

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
   * The sum over every vertex, operator and subtask of the job of the metric {@code name}. A vertex lists an
   * operator's metric as {@code <operator>.<name>}; metrics Flink has not fetched yet count as 0 (the REST
   * API refreshes them every {@code metrics.fetcher.update-interval}, 10 s by default).
   */
  long sum(String jobId, String name) throws IOException, InterruptedException {
    long total = 0;
    for (JsonNode vertex : get("jobs/" + jobId).path("vertices")) {
      String metrics = "jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
      for (JsonNode metric : get(metrics)) {
        String id = metric.path("id").asText();
        if (id.equals(name) || id.endsWith("." + name)) {
          for (JsonNode value : get(metrics + "?agg=sum&get=" + URLEncoder.encode(id, StandardCharsets.UTF_8))) {
            total += (long) value.path("sum").asDouble();
          }
        }
      }
    }
    return total;
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
