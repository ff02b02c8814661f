package io.streampipeline.e2e.local;

import io.streampipeline.operator.testing.KubeBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code kubectl} binary, run as a user runs it, against the test cluster's kubeconfig. */
final class Kubectl {

  private static final Logger LOG = LoggerFactory.getLogger(Kubectl.class);

  private final Path binary;
  private final Path kubeconfig;

  Kubectl(Path kubeconfig) {
    this.binary = KubeBinaries.binary("kubectl")
        .orElseThrow(() -> new IllegalStateException("kubectl not found; run hack/kube-binaries.sh"));
    this.kubeconfig = kubeconfig;
  }

  /** Runs {@code kubectl <args>} and returns its output; fails with the output when it exits non-zero. */
  String run(String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      LOG.info("kubectl {}: {}", String.join(" ", args), output);
      if (process.exitValue() != 0) {
        throw new AssertionError("kubectl " + String.join(" ", args) + " exited " + process.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
