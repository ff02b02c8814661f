package io.streampipeline.cli;

import io.streampipeline.operator.api.StreamPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The running versions that {@code validate --upgrade-from} compares the new ones with: the pipelines in
 * files and directories, or, with {@code git:REV}, in the same paths as the new ones at a git revision
 * (a GitOps repository's CI: {@code validate --upgrade-from git:origin/main -f pipelines/}). Pipelines are
 * matched by namespace and name.
 */
final class UpgradeBaseline {

  static final String GIT_PREFIX = "git:";

  /** A running version: the pipeline and the file (or {@code REV:path}) it came from. */
  record Running(String source, StreamPipeline pipeline) {}

  private final Map<String, Running> pipelines;

  private UpgradeBaseline(Map<String, Running> pipelines) {
    this.pipelines = pipelines;
  }

  /**
   * Reads {@code from} (files and directories, or one {@code git:REV}); {@code newPaths} are the paths
   * whose revision {@code git:REV} reads.
   *
   * @throws CliException when a path or revision cannot be read, or a running version is not a valid file
   */
  static UpgradeBaseline read(List<String> from, List<Path> newPaths) {
    Map<String, Running> pipelines = new LinkedHashMap<>();
    for (String spec : from) {
      if (spec.startsWith(GIT_PREFIX)) {
        readAtRevision(spec.substring(GIT_PREFIX.length()), newPaths, pipelines);
      } else {
        for (Path file : PipelineFiles.yamlFiles(List.of(Path.of(spec)))) {
          add(file.toString(), file, pipelines);
        }
      }
    }
    return new UpgradeBaseline(pipelines);
  }

  /** The running version of {@code pipeline}, or null for a new pipeline. */
  Running runningVersionOf(StreamPipeline pipeline) {
    return pipelines.get(key(pipeline));
  }

  private static void add(String source, Path file, Map<String, Running> pipelines) {
    PipelineFiles.Contents contents = PipelineFiles.read(file, false);
    if (contents.hasProblems()) {
      throw CliException.invalidPipeline(source + ": the running version is not valid: "
          + contents.allProblems().get(0));
    }
    contents.pipelines().forEach(p -> pipelines.put(key(p), new Running(source, p)));
  }

  private static String key(StreamPipeline pipeline) {
    String namespace = pipeline.getMetadata().getNamespace();
    return (namespace == null ? "" : namespace) + "/" + pipeline.getMetadata().getName();
  }

  /** Every YAML file under {@code paths} at {@code revision}, through a temporary copy read like any file. */
  private static void readAtRevision(String revision, List<Path> paths, Map<String, Running> pipelines) {
    Path copy;
    try {
      copy = Files.createTempDirectory("streampipeline-upgrade-from");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      for (Path path : paths) {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        for (String file : git(dir, "ls-tree", "-r", "--name-only", "--full-name", revision, "--",
            path.toAbsolutePath().toString())) {
          if (!file.endsWith(".yaml") && !file.endsWith(".yml")) {
            continue;
          }
          Path target = copy.resolve(file);
          Files.createDirectories(target.getParent());
          Files.writeString(target, String.join("\n", git(dir, "show", revision + ":" + file)) + "\n");
          add(revision + ":" + file, target, pipelines);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteRecursively(copy);
    }
  }

  private static List<String> git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      List<String> lines;
      try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
        lines = reader.lines().toList();
      }
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new CliException(ExitCode.USAGE, "--upgrade-from: git " + String.join(" ", args) + " failed: "
            + String.join(" ", lines), null);
      }
      return lines;
    } catch (IOException e) {
      throw new CliException("--upgrade-from: cannot run git: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("--upgrade-from: interrupted", e);
    }
  }

  static void deleteRecursively(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
