package io.streampipeline.operator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of a JobManager's REST API that the operator reads a job's metrics from, as a real HTTP server on a free
 * port, for the operator tests (which play the Flink operator, so there is no JobManager). It serves the JSON shapes
 * Flink 1.20 serves (and the e2e suite reads from a real MiniCluster): {@code GET /jobs/<id>} lists the vertices,
 * {@code GET /jobs/<id>/vertices/<v>/subtasks/metrics} the metric ids of a vertex, and with
 * {@code ?agg=sum&get=<id>} their sum over the subtasks. Each job has one vertex per metric the test sets, so
 * that the operator has to go through every vertex.
 *
 * <p>Left out: the subtask-level endpoints, other aggregations, and Flink's delay in fetching metrics from the task
 * managers (a value set here is served at once).
 */
public final class FlinkRestApi implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A vertex's id is its one metric's id in hex: stable while the test adds metrics. */
  private static final HexFormat HEX = HexFormat.of();

  private final HttpServer server;
  /** Job id → metric id → value. */
  private final Map<String, Map<String, Long>> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger jobRequests = new AtomicInteger();

  private FlinkRestApi(HttpServer server) {
    this.server = server;
  }

  public static FlinkRestApi start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      FlinkRestApi api = new FlinkRestApi(server);
      server.createContext("/jobs/", api::handle);
      server.start();
      return api;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI address() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Sets the value of an operator metric, such as {@code Source__source_lines.pendingRecords}, of a job. */
  public void metric(String jobId, String metricId, long value) {
    jobs.computeIfAbsent(jobId, j -> new ConcurrentHashMap<>()).put(metricId, value);
  }

  /** How many times a job's vertices were asked for, once per poll. */
  public int polls() {
    return jobRequests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    // /jobs/<id> or /jobs/<id>/vertices/<vertex>/subtasks/metrics
    String[] path = exchange.getRequestURI().getPath().split("/");
    Map<String, Long> metrics = jobs.get(path[2]);
    if (metrics == null) {
      respond(exchange, 404, Map.of("errors", List.of("Job " + path[2] + " not found")));
      return;
    }
    if (path.length == 3) {
      jobRequests.incrementAndGet();
      respond(exchange, 200, Map.of("jid", path[2], "vertices", metrics.keySet().stream().sorted()
          .map(id -> Map.of("id", HEX.formatHex(id.getBytes(StandardCharsets.UTF_8)), "name", id)).toList()));
      return;
    }
    String id = new String(HEX.parseHex(path[4]), StandardCharsets.UTF_8);
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      respond(exchange, 200, List.of(Map.of("id", id)));
    } else {
      String wanted = URLDecoder.decode(query.substring(query.indexOf("get=") + 4), StandardCharsets.UTF_8);
      respond(exchange, 200, wanted.equals(id) ? List.of(Map.of("id", id, "sum", (double) metrics.get(id))) : List.of());
    }
  }

  private static void respond(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
