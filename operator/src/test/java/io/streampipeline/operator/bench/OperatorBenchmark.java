package io.streampipeline.operator.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.streampipeline.operator.StreamPipelineOperator;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.config.OperatorConfig;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * Applies N pipelines (default 1,000) to a real kube-apiserver with the operator running in this JVM and
 * Strimzi/Flink played by a watcher that marks each child ready as soon as it appears. Prints the time until
 * all are Ready, p50/p99 of create-to-FlinkDeployment latency (all topics created, gated on their readiness,
 * then the deployment), the operator's API writes during a full no-op resync (an operator restart), and heap
 * after convergence. Run with {@code bench/operator-bench.sh [N]}.
 */
public final class OperatorBenchmark {

  public static void main(String[] args) throws Exception {
    try {
      run(args.length > 0 ? Integer.parseInt(args[0]) : 1000);
    } finally {
      // Informer and executor threads must not keep a failed run alive.
      System.exit(0);
    }
  }

  private static void run(int count) throws Exception {
    try (TestCluster cluster = TestCluster.start().withAllCrds()) {
      KubernetesClient admin = cluster.client();
      String namespace = cluster.newNamespace("bench");
      PlayedOperators played = new PlayedOperators(admin);
      played.createKafkaCluster(namespace, "events");

      Map<String, Long> createdAt = new ConcurrentHashMap<>();
      Map<String, Long> deployedAt = new ConcurrentHashMap<>();
      ExecutorService playing = Executors.newFixedThreadPool(4);
      admin.resources(KafkaTopic.class).inNamespace(namespace).inform(onAdd(t ->
          playing.submit(() -> played.topicReady(namespace, t.getMetadata().getName()))));
      admin.resources(FlinkDeployment.class).inNamespace(namespace).inform(onAdd(d -> {
        deployedAt.putIfAbsent(d.getMetadata().getName(), System.nanoTime());
        playing.submit(() -> played.flinkRunning(namespace, d.getMetadata().getName(), "job-" + d.getMetadata().getName()));
      }));

      AtomicLong writes = new AtomicLong();
      KubernetesClient operatorClient = countingWrites(cluster.kubeconfigYaml(), writes);
      StreamPipelineOperator operator = StreamPipelineOperator.start(operatorClient, OperatorConfig.defaults(), Optional.empty());

      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        StreamPipeline pipeline = Pipelines.wordCount(admin, namespace);
        String name = "wordcount-" + i;
        pipeline.getMetadata().setName(name);
        pipeline.getSpec().getSources().get(0).setTopic("lines-" + i);
        pipeline.getSpec().getSink().setTopic("word-counts-" + i);
        pipeline.getSpec().getDeadLetter().setTopic("lines-dlq-" + i);
        createdAt.put(name, System.nanoTime());
        admin.resource(pipeline).create();
      }
      long applied = System.nanoTime();
      long lastReport = System.nanoTime();
      while (readyCount(admin, namespace) < count) {
        TimeUnit.MILLISECONDS.sleep(500);
        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
          lastReport = System.nanoTime();
          System.out.println("phases: " + admin.resources(StreamPipeline.class).inNamespace(namespace).list().getItems()
              .stream().collect(java.util.stream.Collectors.groupingBy(
                  p -> p.getStatus() == null ? "none" : String.valueOf(p.getStatus().getPhase()),
                  java.util.stream.Collectors.counting())));
        }
        if (Duration.ofNanos(System.nanoTime() - start).toMinutes() > 30) {
          throw new IllegalStateException("not all pipelines Ready after 30 minutes: " + readyCount(admin, namespace));
        }
      }
      long allReady = System.nanoTime();

      List<Long> latencies = new ArrayList<>();
      createdAt.forEach((name, t0) -> latencies.add(deployedAt.get(name) - t0));
      Collections.sort(latencies);

      System.gc();
      TimeUnit.SECONDS.sleep(2);
      System.gc();
      long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();

      operator.close();
      writes.set(0);
      StreamPipelineOperator resynced = StreamPipelineOperator.start(operatorClient, OperatorConfig.defaults(), Optional.empty());
      TimeUnit.SECONDS.sleep(30);
      long resyncWrites = writes.get();
      resynced.close();
      playing.shutdownNow();

      System.out.printf("pipelines:                         %d%n", count);
      System.out.printf("apply %d pipelines (client side):  %.1f s%n", count, seconds(applied - start));
      System.out.printf("time until all Ready:              %.1f s%n", seconds(allReady - start));
      System.out.printf("create -> FlinkDeployment p50:     %.0f ms%n", millis(percentile(latencies, 0.50)));
      System.out.printf("create -> FlinkDeployment p99:     %.0f ms%n", millis(percentile(latencies, 0.99)));
      System.out.printf("API writes in a no-op resync:      %d (restart of the operator, 30 s observed; target 0)%n", resyncWrites);
      System.out.printf("heap after convergence:            %d MiB (this JVM: operator, played operators and benchmark)%n",
          heap / (1024 * 1024));
    }
  }

  private static long readyCount(KubernetesClient client, String namespace) {
    return client.resources(StreamPipeline.class).inNamespace(namespace).list().getItems().stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getPhase() == Phase.Running).count();
  }

  private static KubernetesClient countingWrites(String kubeconfig, AtomicLong writes) {
    Interceptor counter = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (!"GET".equals(request.method())) {
          writes.incrementAndGet();
        }
      }
    };
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count-writes", counter))
        .build();
  }

  private static <T> ResourceEventHandler<T> onAdd(java.util.function.Consumer<T> action) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        action.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {}

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
