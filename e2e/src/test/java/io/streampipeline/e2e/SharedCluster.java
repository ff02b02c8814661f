package io.streampipeline.e2e;

import io.streampipeline.operator.testing.TestCluster;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real control plane (kube-apiserver with RBAC, etcd) for all test classes of a run that ask for a
 * {@link TestCluster} parameter: starting one takes seconds, and the tests isolate themselves by namespace.
 * Strimzi's and Flink's CRDs are installed; the StreamPipeline CRD is left to the test (the chart ships it).
 * JUnit closes the cluster (an {@link AutoCloseable} in the root store) when the run ends.
 */
public final class SharedCluster implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(Namespace.create(SharedCluster.class))
        .getOrComputeIfAbsent(TestCluster.class, k -> startCluster(), TestCluster.class);
  }

  private static TestCluster startCluster() {
    TestCluster cluster = TestCluster.start();
    cluster.installStrimziCrds();
    cluster.installFlinkCrd();
    return cluster;
  }
}
