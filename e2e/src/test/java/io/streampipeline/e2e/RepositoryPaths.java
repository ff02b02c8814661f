package io.streampipeline.e2e;

import java.nio.file.Path;

/** Files of the repository the tests check (the chart, the kind suite), from the {@code streampipeline.root} property the build sets. */
public final class RepositoryPaths {

  private RepositoryPaths() {}

  public static Path path(String relative) {
    return Path.of(System.getProperty("streampipeline.root", "..")).resolve(relative).normalize();
  }
}
