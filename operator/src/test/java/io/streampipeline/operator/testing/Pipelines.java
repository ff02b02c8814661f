package io.streampipeline.operator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.streampipeline.operator.api.StreamPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Pipelines as a user would write them, loaded from YAML in the test resources. */
public final class Pipelines {

  private Pipelines() {}

  public static StreamPipeline load(KubernetesClient client, String resource, String namespace) {
    try (InputStream in = Pipelines.class.getResourceAsStream("/" + resource)) {
      StreamPipeline pipeline = client.resources(StreamPipeline.class).load(in).item();
      pipeline.getMetadata().setNamespace(namespace);
      return pipeline;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static StreamPipeline wordCount(KubernetesClient client, String namespace) {
    return load(client, "wordcount-pipeline.yaml", namespace);
  }
}
