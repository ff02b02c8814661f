package io.streampipeline.bench.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streampipeline.job.LocalPipeline;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.StateBackend;
import io.streampipeline.model.StreamPipelineSpec;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PipelinePlans;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Our job against the Flink SQL job a user would write by hand ({@link PeerSqlJob}) and, for the stateless
 * workload, a plain Kafka copy loop ({@link CopyLoop}), on one local broker (its own process) and one Flink
 * MiniCluster (a command, not a test).
 *
 * <ol>
 *   <li>Throughput, per workload ({@link FilterScenario}, {@link WordCountScenario}, {@link WindowScenario}): the
 *       input is loaded once; then every contender processes all of it into an output topic of its own, at
 *       at-least-once and at exactly-once. The rate is input records / (time the output was complete for a
 *       read_committed reader − log-append time of its first record), so start-up is not counted. Contenders are
 *       interleaved round by round (the order rotates each round); round 0 is a warm-up (JIT, code generation)
 *       and is not counted; then {@code --rounds} measured rounds. Every round is printed, then medians and, for
 *       each ratio, its median and min–max over the rounds: a target is "met" only when the whole range is at or
 *       above it, "missed" when the whole range is below, otherwise "not shown".
 *   <li>Latency (stateless workload): each contender runs on a live stream of {@code --rate} events/s for
 *       {@code --seconds}; latency is when a read_committed reader sees the output minus the creation time in the
 *       event.
 * </ol>
 *
 * <p>Options: {@code --records 1000000} (filter events) {@code --lines 200000} (word count lines)
 * {@code --events 500000} (window events) {@code --partitions 2 --parallelism 1 --checkpoint-ms 1000 --rounds 5
 * --rate 20000 --seconds 10 --workloads filter,wordcount,window --latency true}.
 */
public final class JobBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out = System.out;
  private final Map<String, String> options;
  private final LocalKafkaBroker kafka;
  private final AtomicInteger topics = new AtomicInteger();
  /** Measured rates by "workload delivery contender", one per measured round. */
  private final Map<String, List<Double>> rates = new LinkedHashMap<>();

  private JobBenchmark(Map<String, String> options, LocalKafkaBroker kafka) {
    this.options = options;
    this.kafka = kafka;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new java.util.HashMap<>(Map.ofEntries(Map.entry("records", "1000000"),
        Map.entry("lines", "200000"), Map.entry("events", "500000"), Map.entry("rate", "20000"),
        Map.entry("seconds", "10"), Map.entry("partitions", "2"), Map.entry("parallelism", "1"),
        Map.entry("checkpoint-ms", "1000"), Map.entry("rounds", "5"),
        Map.entry("workloads", "filter,wordcount,window"), Map.entry("latency", "true")));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + options.keySet());
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    try (LocalKafkaBroker kafka = LocalKafkaBroker.start()) {
      new JobBenchmark(options, kafka).run();
    }
    System.exit(0);
  }

  private long option(String name) {
    return Long.parseLong(options.get(name));
  }

  /** A workload with its loaded input topic, and the state backend our job picks for its query. */
  private record Loaded(Scenario scenario, String input, long records, StateBackend backend) {}

  private void run() throws Exception {
    out.printf("JobBenchmark %s, %d cores, Java %s, load average %s%n", new java.util.TreeMap<>(options),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
    List<Loaded> workloads = new ArrayList<>();
    for (String name : options.get("workloads").split(",")) {
      workloads.add(load(scenario(name)));
    }
    List<DeliveryGuarantee> deliveries = List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE);
    try (MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setNumTaskManagers(1).setNumSlotsPerTaskManager((int) option("parallelism")).build())) {
      flink.start();
      for (int round = 0; round <= option("rounds"); round++) {
        out.printf("-- round %d of %d%s, load average %s%n", round, option("rounds"),
            round == 0 ? " (warm-up, not counted)" : "", loadAverage());
        for (Loaded workload : workloads) {
          for (DeliveryGuarantee delivery : deliveries) {
            List<String> contenders = new ArrayList<>(workload.scenario().hasCopyBaseline()
                ? List.of("copy", "peer", "job") : List.of("peer", "job"));
            java.util.Collections.rotate(contenders, round);
            for (String contender : contenders) {
              double rate = throughput(flink, workload, delivery, contender);
              if (round > 0) {
                rates.computeIfAbsent(key(workload.scenario().name(), delivery, contender), k -> new ArrayList<>())
                    .add(rate);
              }
            }
          }
        }
      }
      summary(workloads, deliveries);
      if (Boolean.parseBoolean(options.get("latency")) && options.get("workloads").contains("filter")) {
        latencies(flink, deliveries);
      }
    }
  }

  private Loaded load(Scenario scenario) {
    long records = option(switch (scenario.name()) {
      case "wordcount" -> "lines";
      case "window" -> "events";
      default -> "records";
    });
    String input = topic(scenario.name() + "-input");
    long start = System.currentTimeMillis();
    scenario.load(kafka.bootstrapServers(), input, (int) option("partitions"), records);
    StateBackend backend = LocalPipeline.build(plan(scenario, input, "unused", "unused",
        DeliveryGuarantee.AT_LEAST_ONCE), 1).state().keyedState() ? StateBackend.ROCKSDB : StateBackend.HASHMAP;
    out.printf("loaded %s: %d records in %d ms; our job picks the %s state backend, the peer gets the same%n",
        scenario.name(), records, System.currentTimeMillis() - start, backend.flinkName());
    return new Loaded(scenario, input, records, backend);
  }

  private static Scenario scenario(String name) {
    return switch (name) {
      case "filter" -> new FilterScenario();
      case "wordcount" -> new WordCountScenario();
      case "window" -> new WindowScenario();
      default -> throw new IllegalArgumentException("unknown workload " + name);
    };
  }

  private static String key(String workload, DeliveryGuarantee delivery, String contender) {
    return workload + " " + delivery + " " + contender;
  }

  private double throughput(MiniCluster flink, Loaded workload, DeliveryGuarantee delivery, String contender)
      throws Exception {
    String output = outputTopic(workload.scenario().name() + "-" + contender);
    try (AutoCloseable running = start(flink, workload, delivery, contender, workload.input(), output);
        OutputWatch watch = new OutputWatch(kafka.bootstrapServers(), output)) {
      long complete = workload.scenario().awaitComplete(watch);
      long first = watch.firstAppendTime();
      double rate = workload.records() * 1000.0 / Math.max(1, complete - first);
      out.printf("  %-40s %9d records in %6d ms: %8.0f records/s%n", key(workload.scenario().name(), delivery,
          contender), workload.records(), complete - first, rate);
      return rate;
    }
  }

  private AutoCloseable start(MiniCluster flink, Loaded workload, DeliveryGuarantee delivery, String contender,
      String input, String output) throws Exception {
    Scenario scenario = workload.scenario();
    int parallelism = (int) option("parallelism");
    return switch (contender) {
      case "copy" -> {
        CopyLoop copy = new CopyLoop(kafka.bootstrapServers(), input, output,
            delivery == DeliveryGuarantee.EXACTLY_ONCE ? option("checkpoint-ms") : 0);
        Thread thread = new Thread(copy, "copy-loop");
        thread.start();
        yield () -> {
          copy.stop();
          thread.join();
        };
      }
      case "peer" -> PeerSqlJob.start(flink, scenario.peerSql(input, output,
              new PeerSqlJob.Tables(kafka.bootstrapServers(), delivery, "peer-" + topics.incrementAndGet())),
          parallelism, option("checkpoint-ms"), delivery, workload.backend());
      case "job" -> LocalPipeline.start(flink, plan(scenario, input, output, topic(scenario.name() + "-dlq"),
          delivery), parallelism, null);
      default -> throw new IllegalArgumentException(contender);
    };
  }

  /** Our job's plan, made from a StreamPipeline spec as the operator makes it. */
  private PipelinePlan plan(Scenario scenario, String input, String output, String deadLetter,
      DeliveryGuarantee delivery) {
    try {
      ObjectNode spec = (ObjectNode) JSON.readTree(scenario.specJson(input, output, deadLetter));
      spec.putObject("kafka").put("cluster", "bench").put("bootstrapServers", kafka.bootstrapServers());
      spec.putObject("job").put("parallelism", option("parallelism"))
          .put("delivery", delivery == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once")
          .put("checkpointInterval", option("checkpoint-ms") + "ms");
      return PipelinePlans.fromSpec("bench", scenario.name() + "-" + topics.incrementAndGet(),
          JSON.treeToValue(spec, StreamPipelineSpec.class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void summary(List<Loaded> workloads, List<DeliveryGuarantee> deliveries) {
    out.println();
    out.printf("Medians over %d measured rounds (records/s), and ratios per round: median [min-max]%n",
        option("rounds"));
    out.printf("%-10s %-14s %10s %10s %10s  %-26s %-26s%n", "workload", "delivery", "copy", "peer", "job",
        "job/peer (target >= 1.0)", "job/copy (target)");
    for (Loaded workload : workloads) {
      String name = workload.scenario().name();
      for (DeliveryGuarantee delivery : deliveries) {
        List<Double> job = rates.get(key(name, delivery, "job"));
        List<Double> peer = rates.get(key(name, delivery, "peer"));
        List<Double> copy = rates.get(key(name, delivery, "copy"));
        String versusCopy = "";
        if (copy != null) {
          versusCopy = Ratio.of(job, copy).describe(delivery == DeliveryGuarantee.EXACTLY_ONCE ? 0.85 : 0.90);
        }
        out.printf("%-10s %-14s %10s %10.0f %10.0f  %-26s %-26s%n", name, delivery,
            copy == null ? "-" : String.format("%.0f", Ratio.median(copy)), Ratio.median(peer), Ratio.median(job),
            Ratio.of(job, peer).describe(1.0), versusCopy);
      }
    }
  }

  private void latencies(MiniCluster flink, List<DeliveryGuarantee> deliveries) throws Exception {
    out.println();
    out.printf("-- latency, filter workload, %d events/s for %d s; target for exactly-once: p99 <= %d ms%n",
        option("rate"), option("seconds"), option("checkpoint-ms") + 100);
    Loaded live = new Loaded(new FilterScenario(), null, 0, StateBackend.HASHMAP);
    for (DeliveryGuarantee delivery : deliveries) {
      for (String contender : List.of("copy", "peer", "job")) {
        String input = topic("live-" + contender);
        String output = outputTopic("live-" + contender + "-out");
        try (AutoCloseable running = start(flink, live, delivery, contender, input, output)) {
          long[] latencies = latency(input, output);
          out.printf("  %-40s %d live records: p50 %d ms, p99 %d ms%n", key("filter", delivery, contender),
              latencies.length, percentile(latencies, 50), percentile(latencies, 99));
        }
      }
    }
  }

  /** Streams events at the configured rate into {@code input} once output flows, and measures their latency. */
  private long[] latency(String input, String output) throws Exception {
    long rate = option("rate");
    long seconds = option("seconds");
    Workload workload = new Workload();
    try (OutputWatch watch = new OutputWatch(kafka.bootstrapServers(), output);
        KafkaProducer<byte[], byte[]> producer = Workload.producer(kafka.bootstrapServers())) {
      // Warm up until the pipeline writes: its start-up is not latency.
      long id = 0;
      while (watch.visible() == 0) {
        producer.send(new ProducerRecord<>(input, workload.next(id++, System.currentTimeMillis())));
        producer.flush();
        Thread.sleep(100);
      }
      Thread streamer = new Thread(() -> stream(producer, input, workload, rate, seconds), "live-producer");
      streamer.start();
      long[] latencies = watch.latenciesMs((int) (rate * seconds * 0.85), Duration.ofSeconds(seconds + 30));
      streamer.join();
      return latencies;
    }
  }

  private static void stream(KafkaProducer<byte[], byte[]> producer, String input, Workload workload, long rate,
      long seconds) {
    long start = System.nanoTime();
    long total = rate * seconds;
    for (long sent = 0; sent < total; sent++) {
      long due = start + sent * 1_000_000_000L / rate;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      producer.send(new ProducerRecord<>(input, workload.next(1_000_000_000L + sent, System.currentTimeMillis())));
    }
    producer.flush();
  }

  private String topic(String name) {
    String topic = name + "-" + topics.incrementAndGet();
    kafka.createTopic(topic, (int) option("partitions"), Map.of());
    return topic;
  }

  private String outputTopic(String name) {
    String topic = name + "-" + topics.incrementAndGet();
    kafka.createTopic(topic, (int) option("partitions"), Map.of("message.timestamp.type", "LogAppendTime"));
    return topic;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
