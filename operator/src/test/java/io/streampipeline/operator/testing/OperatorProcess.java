package io.streampipeline.operator.testing;

import io.streampipeline.operator.OperatorMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as it runs in its pod: {@link OperatorMain} in a JVM of its own, against a test API server's
 * kubeconfig, with its metrics endpoint on a free port. Its output goes to a log file.
 */
public final class OperatorProcess implements AutoCloseable {

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final Process process;
  private final int metricsPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private OperatorProcess(Process process, int metricsPort) {
    this.process = process;
    this.metricsPort = metricsPort;
  }

  /**
   * Starts the operator with this JVM's class path.
   *
   * @param maxHeap the {@code -Xmx} value, e.g. {@code 256m}
   * @param env extra environment ({@code STREAMPIPELINE_*})
   */
  public static OperatorProcess start(Path kubeconfig, String maxHeap, Map<String, String> env, Path log) {
    try {
      int metricsPort = freePort();
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError", "-Dlog4j2.level=WARN",
          "-cp", System.getProperty("java.class.path"), OperatorMain.class.getName()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      builder.environment().put("STREAMPIPELINE_METRICS_PORT", Integer.toString(metricsPort));
      builder.environment().put("STREAMPIPELINE_HEALTH_PORT", Integer.toString(freePort()));
      return new OperatorProcess(builder.start(), metricsPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The operator's {@code /metrics}, once its endpoint answers. */
  public String scrape() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + metricsPort + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("the operator's /metrics does not answer (alive: " + process.isAlive() + ")", e);
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
  }

  /** The operator's live heap: used heap right after a full GC requested through {@code jcmd}. */
  public long liveHeapBytes() throws IOException, InterruptedException {
    jcmd("GC.run");
    Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
    if (!used.find()) {
      throw new IllegalStateException("no heap figure in jcmd GC.heap_info");
    }
    return Long.parseLong(used.group(1)) * 1024;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(process.pid()), command).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    jcmd.waitFor(1, TimeUnit.MINUTES);
    return output;
  }

  /** Stops it as Kubernetes does (SIGTERM, then SIGKILL after the grace period). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits {@code duration} unless the process ends first; returns whether it is still alive. */
  public boolean aliveAfter(Duration duration) throws InterruptedException {
    return !process.waitFor(duration.toMillis(), TimeUnit.MILLISECONDS);
  }
}
