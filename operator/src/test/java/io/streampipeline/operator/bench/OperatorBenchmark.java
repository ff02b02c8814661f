package io.streampipeline.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.streampipeline.operator.api.Phase;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.testing.OperatorProcess;
import io.streampipeline.operator.testing.Pipelines;
import io.streampipeline.operator.testing.PlayedJobs;
import io.streampipeline.operator.testing.PlayedOperators;
import io.streampipeline.operator.testing.TestCluster;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.UpgradeCheckProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * Applies N pipelines (default 1,000) to a real kube-apiserver + etcd with the operator in a JVM of its own
 * ({@link OperatorProcess}, as in its pod), and Strimzi and the Flink operator played in this JVM by watchers that
 * mark each child ready as soon as it appears. The client applies the pipelines from several threads, each with
 * distinct SQL. Prints: the client's apply rate; the time from the first apply until every pipeline is Running;
 * create → first status p50/p99 (the operator's queue latency plus its first reconcile: JOSDK exports no queue
 * latency) and create → Running p50/p99; the reconcile duration p99 from the operator's own histogram; the
 * operator's API writes per pipeline by resource and verb (its {@code streampipeline_kubernetes_requests_total});
 * its live heap after a full GC (jcmd), alone in its JVM; the writes of a no-op resync (a restarted operator
 * reconciling every pipeline again); and a plan change of every pipeline through the upgrade check (latency until
 * the FlinkDeployment has the new plan, and the operator's requests per change). Run with {@code bench/operator-bench.sh}; options {@code --pipelines 1000
 * --client-threads 16 --played-threads 8 --xmx 512m}.
 */
public final class OperatorBenchmark {

  /** What the plan change adds to every pipeline's SQL: a filter that changes the plan and keeps the group key. */
  private static final String CHANGE = " HAVING COUNT(*) > 0";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>(Map.of("pipelines", "1000", "client-threads", "16",
        "played-threads", "8", "xmx", "512m"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + options.keySet());
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    try {
      run(Integer.parseInt(options.get("pipelines")), Integer.parseInt(options.get("client-threads")),
          Integer.parseInt(options.get("played-threads")), options.get("xmx"));
    } finally {
      // Informer and executor threads must not keep a failed run alive.
      System.exit(0);
    }
  }

  private static void run(int count, int clientThreads, int playedThreads, String xmx) throws Exception {
    System.out.printf("OperatorBenchmark: %d pipelines, %d client threads, %d played-operator threads, operator -Xmx%s,"
        + " %d cores, load average %s%n", count, clientThreads, playedThreads, xmx,
        Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    Path log = Files.createTempFile("operator-bench", ".log");
    try (TestCluster cluster = TestCluster.start().withAllCrds()) {
      KubernetesClient admin = cluster.client();
      String namespace = cluster.newNamespace("bench");
      PlayedOperators played = new PlayedOperators(admin);
      played.createKafkaCluster(namespace, "events");
      ExecutorService playing = Executors.newFixedThreadPool(playedThreads);
      admin.resources(KafkaTopic.class).inNamespace(namespace).inform(onAdd(t ->
          playing.submit(() -> played.topicReady(namespace, t.getMetadata().getName()))));
      admin.resources(FlinkDeployment.class).inNamespace(namespace).inform(onAdd(d -> playing.submit(() ->
          played.flinkRunning(namespace, d.getMetadata().getName(), "job-" + d.getMetadata().getName()))));

      Map<String, Long> createdAt = new ConcurrentHashMap<>();
      Map<String, Long> firstStatusAt = new ConcurrentHashMap<>();
      Map<String, Long> runningAt = new ConcurrentHashMap<>();
      admin.resources(StreamPipeline.class).inNamespace(namespace).inform(onChange(p -> {
        long now = System.nanoTime();
        if (p.getStatus() != null) {
          firstStatusAt.putIfAbsent(p.getMetadata().getName(), now);
          if (p.getStatus().getPhase() == Phase.Running) {
            runningAt.putIfAbsent(p.getMetadata().getName(), now);
          }
        }
      }));

      OperatorProcess operator = OperatorProcess.start(cluster.kubeconfigFile(), xmx, Map.of(), log);
      operator.scrape(); // started and serving

      ExecutorService client = Executors.newFixedThreadPool(clientThreads);
      List<Future<?>> applies = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        int n = i;
        applies.add(client.submit(() -> {
          StreamPipeline pipeline = Pipelines.wordCount(admin, namespace);
          String name = "wordcount-" + n;
          pipeline.getMetadata().setName(name);
          pipeline.getSpec().getSources().get(0).setTopic("lines-" + n);
          pipeline.getSpec().getSink().setTopic("word-counts-" + n);
          pipeline.getSpec().getDeadLetter().setTopic("lines-dlq-" + n);
          pipeline.getSpec().getTransform().setSql("SELECT word, COUNT(*) AS cnt FROM lines,"
              + " LATERAL TABLE(SPLIT_WORDS(line)) AS T(word) WHERE word <> 'stop" + n + "' GROUP BY word");
          createdAt.put(name, System.nanoTime());
          admin.resource(pipeline).create();
        }));
      }
      for (Future<?> apply : applies) {
        apply.get();
      }
      long applied = System.nanoTime();
      client.shutdown();
      long lastReport = System.nanoTime();
      while (runningAt.size() < count) {
        TimeUnit.MILLISECONDS.sleep(100);
        if (!operator.isAlive()) {
          throw new IllegalStateException("the operator exited (-Xmx" + xmx + " too small?); its log: " + log);
        }
        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
          lastReport = System.nanoTime();
          System.out.printf("  %.0f s: %d with a status, %d Running%n", seconds(lastReport - start),
              firstStatusAt.size(), runningAt.size());
        }
        if (Duration.ofNanos(System.nanoTime() - start).toMinutes() > 30) {
          throw new IllegalStateException("not all pipelines Running after 30 minutes: " + runningAt.size());
        }
      }
      long allReady = System.nanoTime();
      PrometheusSamples metrics = new PrometheusSamples(operator.scrape());
      long heap = operator.liveHeapBytes();
      operator.close();

      OperatorProcess resynced = OperatorProcess.start(cluster.kubeconfigFile(), xmx, Map.of(), log);
      long resyncStart = System.nanoTime();
      PrometheusSamples resync = new PrometheusSamples(resynced.scrape());
      while (resync.sum("operator_sdk_reconciliations_started_total", l -> true) < count) {
        if (System.nanoTime() - resyncStart > TimeUnit.MINUTES.toNanos(10)) {
          throw new IllegalStateException("the restarted operator did not reconcile every pipeline in 10 minutes");
        }
        TimeUnit.MILLISECONDS.sleep(500);
        resync = new PrometheusSamples(resynced.scrape());
      }
      double resyncSeconds = seconds(System.nanoTime() - resyncStart);
      TimeUnit.SECONDS.sleep(10);
      resync = new PrometheusSamples(resynced.scrape());
      PlanChanges changes = changeEveryPlan(admin, namespace, count, clientThreads, playing, resynced);
      resynced.close();
      playing.shutdownNow();

      Map<String, Double> writes = metrics.writesByResource();
      double totalWrites = writes.values().stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf("pipelines:                              %d%n", count);
      System.out.printf("client apply (%2d threads):              %.1f s, %.0f pipelines/s%n", clientThreads,
          seconds(applied - start), count / seconds(applied - start));
      System.out.printf("first apply -> all Running:             %.1f s (target <= 30 s)%n", seconds(allReady - start));
      System.out.printf("create -> first status p50 / p99:       %.0f / %.0f ms (queue latency + first reconcile)%n",
          millis(percentile(latencies(createdAt, firstStatusAt), 0.50)),
          millis(percentile(latencies(createdAt, firstStatusAt), 0.99)));
      System.out.printf("create -> Running p50 / p99:            %.0f / %.0f ms%n",
          millis(percentile(latencies(createdAt, runningAt), 0.50)),
          millis(percentile(latencies(createdAt, runningAt), 0.99)));
      System.out.printf("reconcile duration p99:                 <= %.3f s (histogram bucket bound)%n",
          metrics.quantile("operator_sdk_controllers_execution_reconcile_seconds", 0.99));
      System.out.printf("reconciles:                             %.0f (%.1f per pipeline)%n",
          metrics.sum("operator_sdk_reconciliations_started_total", l -> true),
          metrics.sum("operator_sdk_reconciliations_started_total", l -> true) / count);
      System.out.printf("operator API writes per pipeline:       %.2f%n", totalWrites / count);
      writes.forEach((what, n) -> System.out.printf("    %-36s %.2f per pipeline%n", what, n / count));
      System.out.printf("operator live heap after full GC:       %d MiB (%d KiB per pipeline; target <= 256 MiB at 1,000)%n",
          heap >> 20, heap / count >> 10);
      System.out.printf("no-op resync:                           %.0f API writes while a restarted operator reconciled"
          + " all %d pipelines in %.1f s (target 0)%n",
          resync.writesByResource().values().stream().mapToDouble(Double::doubleValue).sum(), count, resyncSeconds);
      System.out.printf("plan change of every pipeline -> new plan in its FlinkDeployment: p50 / p99 %.0f / %.0f ms,"
          + " all in %.1f s (upgrade checks played: compatible as soon as created)%n",
          millis(percentile(changes.latencies(), 0.50)), millis(percentile(changes.latencies(), 0.99)),
          changes.seconds());
      System.out.printf("operator API requests per plan change (all but watches):%n");
      changes.requests().forEach((what, n) -> System.out.printf("    %-36s %.2f per pipeline%n", what, n / count));
    }
  }

  /** The time from each edit until its FlinkDeployment has the new plan, and the operator's requests meanwhile. */
  private record PlanChanges(List<Long> latencies, double seconds, Map<String, Double> requests) {}

  /**
   * Changes every pipeline's SQL (a filter more) from the client threads. Each change is checked by an upgrade check
   * Job before it reaches the FlinkDeployment; the Job controller and the kubelet are played, the check ending
   * compatible as soon as it is created, so what is measured is the operator's side: its requests and latency.
   */
  private static PlanChanges changeEveryPlan(KubernetesClient admin, String namespace, int count, int clientThreads,
      ExecutorService playing, OperatorProcess operator) throws Exception {
    PlayedJobs jobs = new PlayedJobs(admin);
    String compatible = new UpgradeCheckProtocol.Result(UpgradeCheckProtocol.Result.COMPATIBLE, "compatible",
        List.of(), 0).encode();
    admin.batch().v1().jobs().inNamespace(namespace).inform(onAdd(j -> playing.submit(() -> jobs.ended(j, 0, compatible))));
    Map<String, Long> editedAt = new ConcurrentHashMap<>();
    Map<String, Long> changedAt = new ConcurrentHashMap<>();
    admin.resources(FlinkDeployment.class).inNamespace(namespace).inform(onChange(d -> {
      if (PlanCodec.decode(d.getSpec().getJob().getArgs()[1]).sql().endsWith(CHANGE)) {
        changedAt.putIfAbsent(d.getMetadata().getName(), System.nanoTime());
      }
    }));
    Map<String, Double> before = new PrometheusSamples(operator.scrape()).requestsByResource();
    ExecutorService client = Executors.newFixedThreadPool(clientThreads);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      String name = "wordcount-" + i;
      client.submit(() -> {
        editedAt.put(name, System.nanoTime());
        admin.resources(StreamPipeline.class).inNamespace(namespace).withName(name).edit(p -> {
          p.getSpec().getTransform().setSql(p.getSpec().getTransform().getSql() + CHANGE);
          return p;
        });
      });
    }
    client.shutdown();
    while (changedAt.size() < count) {
      TimeUnit.MILLISECONDS.sleep(100);
      if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(30)) {
        throw new IllegalStateException("plan changes not applied after 30 minutes: " + changedAt.size());
      }
    }
    double seconds = seconds(System.nanoTime() - start);
    TimeUnit.SECONDS.sleep(10); // the statuses written after the FlinkDeployment
    Map<String, Double> requests = new TreeMap<>(new PrometheusSamples(operator.scrape()).requestsByResource());
    before.forEach((what, n) -> requests.merge(what, -n, Double::sum));
    requests.values().removeIf(n -> n == 0);
    return new PlanChanges(latencies(editedAt, changedAt), seconds, requests);
  }

  private static List<Long> latencies(Map<String, Long> from, Map<String, Long> to) {
    List<Long> latencies = new ArrayList<>();
    from.forEach((name, t0) -> {
      Long t1 = to.get(name);
      if (t1 != null) {
        latencies.add(t1 - t0);
      }
    });
    Collections.sort(latencies);
    return latencies;
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

  private static <T> ResourceEventHandler<T> onChange(java.util.function.Consumer<T> action) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        action.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        action.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
