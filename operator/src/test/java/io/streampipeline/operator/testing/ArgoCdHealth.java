package io.streampipeline.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Argo CD's verdict on an object: the health check shipped in {@code deploy/argocd/} run by
 * {@code hack/argocd-lua} (gopher-lua with the libraries Argo CD opens; built by {@code hack/argocd-health.sh}).
 */
public final class ArgoCdHealth {

  public static final Path SCRIPT = Path.of("../deploy/argocd/streampipeline-health.lua");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path binary;

  /** Argo CD's health status and message. */
  public record Verdict(String status, String message) {}

  private ArgoCdHealth() {}

  /** The shipped script's verdict on {@code object} (a StreamPipeline, as the API server returned it). */
  public static Verdict of(Object object) {
    return run(SCRIPT, Serialization.asJson(object));
  }

  /** Runs {@code script} on {@code objectJson}; fails on a script error, as Argo CD shows it as an error. */
  public static Verdict run(Path script, String objectJson) {
    try {
      Process process = new ProcessBuilder(binary().toString(), script.toString()).start();
      process.getOutputStream().write(objectJson.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new ScriptFailed(err.strip());
      }
      JsonNode verdict = JSON.readTree(out);
      return new Verdict(verdict.get("status").asText(), verdict.get("message").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What Argo CD would show as the health check's error. */
  public static final class ScriptFailed extends RuntimeException {
    ScriptFailed(String message) {
      super(message);
    }
  }

  private static synchronized Path binary() throws IOException, InterruptedException {
    if (binary == null) {
      Process build = new ProcessBuilder("bash", "../hack/argocd-health.sh").redirectErrorStream(true).start();
      String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (build.waitFor() != 0) {
        throw new IllegalStateException("hack/argocd-health.sh failed (needs Go and its module proxy): " + out);
      }
      binary = Path.of(out.substring(out.lastIndexOf('\n') + 1));
    }
    return binary;
  }
}
