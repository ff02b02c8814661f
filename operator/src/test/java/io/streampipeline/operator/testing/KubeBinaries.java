package io.streampipeline.operator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the control-plane binaries for tests are: {@code KUBE_API_TEST_DIR} if set, else the cache that
 * {@code hack/kube-binaries.sh} fills from Go modules, else nothing, and kube-api-test downloads its own.
 */
public final class KubeBinaries {

  private KubeBinaries() {}

  /** The kube-api-test directory (holding {@code k8s/<version>-<os>-<arch>/}) to use, if one is prepared. */
  public static Optional<Path> testDir() {
    String env = System.getenv("KUBE_API_TEST_DIR");
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env));
    }
    String cacheHome = System.getenv("XDG_CACHE_HOME");
    Path cache = (cacheHome == null || cacheHome.isBlank() ? Path.of(System.getProperty("user.home"), ".cache")
        : Path.of(cacheHome)).resolve("streampipeline/kubeapitest");
    return binaryDir(cache, "kube-apiserver").isPresent() ? Optional.of(cache) : Optional.empty();
  }

  /** A binary of the newest prepared version, such as {@code kube-controller-manager}, if present. */
  public static Optional<Path> binary(String name) {
    return testDir().flatMap(dir -> binaryDir(dir, name)).map(dir -> dir.resolve(name));
  }

  private static Optional<Path> binaryDir(Path testDir, String binary) {
    Path k8s = testDir.resolve("k8s");
    if (!Files.isDirectory(k8s)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(k8s)) {
      return dirs.filter(d -> Files.isExecutable(d.resolve(binary))).max(Path::compareTo);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
