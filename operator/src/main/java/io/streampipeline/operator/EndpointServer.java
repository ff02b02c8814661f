package io.streampipeline.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoints, each kind on its own port so that the metrics port can be exposed (Service,
 * ServiceMonitor) without exposing the probes, and the reverse: {@code /healthz} (the process serves) and
 * {@code /readyz} (the controller runs and its informers are healthy); {@code /metrics} (Prometheus text format).
 */
public final class EndpointServer implements AutoCloseable {

  /** Prometheus' text exposition format, version 0.0.4, which every Prometheus scraper reads. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private EndpointServer(HttpServer server) {
    this.server = server;
  }

  public static EndpointServer health(int port, BooleanSupplier ready) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    server.createContext("/readyz", exchange -> {
      boolean ok = ready.getAsBoolean();
      respond(exchange, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "not ready\n");
    });
    server.start();
    return new EndpointServer(server);
  }

  public static EndpointServer metrics(int port, Supplier<String> scrape) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, scrape.get()));
    server.start();
    return new EndpointServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
