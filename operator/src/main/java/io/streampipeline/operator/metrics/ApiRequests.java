package io.streampipeline.operator.metrics;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the operator's requests to the Kubernetes API server by verb, resource and response class, as a client
 * interceptor: {@code streampipeline_kubernetes_requests_total{verb, resource, code}}. It answers "how many writes
 * does a pipeline cost" and "is the operator fighting someone" (a steady rate of {@code update}s or {@code 409}s)
 * without the API server's audit log. Bounded: resources are kinds (with a subresource such as
 * {@code streampipelines/status}), never names or namespaces.
 */
public final class ApiRequests implements Interceptor {

  static final String REQUESTS = "streampipeline.kubernetes.requests";

  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
  private volatile MeterRegistry registry;

  /** {@code builder} with this interceptor on the clients it builds. */
  public KubernetesClientBuilder instrument(KubernetesClientBuilder builder) {
    return builder.withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("count-requests", this));
  }

  /**
   * Starts counting into {@code registry}; requests made before are not counted. The counters of a registry bound
   * before are dropped: a client outlives an operator restarted on it, whose new registry must get its own.
   */
  void bindTo(MeterRegistry registry) {
    counters.clear();
    this.registry = registry;
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    MeterRegistry target = registry;
    if (target == null) {
      return;
    }
    List<String> tags = List.of(verb(request), resource(request.uri().getPath()), response.code() / 100 + "xx");
    counters.computeIfAbsent(tags, t -> Counter.builder(REQUESTS)
        .description("Requests to the Kubernetes API server by verb, resource (kind[/subresource]) and response class")
        .tags("verb", t.get(0), "resource", t.get(1), "code", t.get(2))
        .register(target)).increment();
  }

  private static String verb(HttpRequest request) {
    String query = request.uri().getRawQuery();
    if ("GET".equals(request.method()) && query != null && query.contains("watch=true")) {
      return "watch";
    }
    return request.method().toLowerCase(Locale.ROOT);
  }

  /**
   * The kind (plural) of a request's path, with its subresource: {@code /apis/g/v/namespaces/ns/kind/name/status}
   * is {@code kind/status}; {@code /api/v1/namespaces/ns} is {@code namespaces}; anything else is {@code other}.
   */
  static String resource(String path) {
    String[] parts = path.replaceAll("^/+", "").split("/");
    int i;
    if (parts.length >= 2 && parts[0].equals("api")) {
      i = 2;
    } else if (parts.length >= 3 && parts[0].equals("apis")) {
      i = 3;
    } else {
      return "other";
    }
    if (parts.length > i + 2 && parts[i].equals("namespaces")) {
      i += 2;
    }
    if (parts.length <= i) {
      return "other";
    }
    return parts.length > i + 2 ? parts[i] + "/" + parts[i + 2] : parts[i];
  }
}
