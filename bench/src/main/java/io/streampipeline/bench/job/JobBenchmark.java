package io.streampipeline.bench.job;

import io.streampipeline.job.LocalPipeline;
import io.streampipeline.kafka.local.LocalKafkaBroker;
import io.streampipeline.model.DeliveryGuarantee;
import io.streampipeline.model.Format;
import io.streampipeline.plan.ColumnPlan;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.PlanCodec;
import io.streampipeline.plan.SinkPlan;
import io.streampipeline.plan.SourcePlan;
import io.streampipeline.plan.StartingOffsets;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Compares the job with a plain Kafka copy loop on one local broker, in one JVM (a command, not a test):
 *
 * <ol>
 *   <li>Throughput: {@code --records} events (about 200 bytes of JSON) are loaded first; then the copy loop,
 *       the job at-least-once and the job exactly-once each process all of them into their own output
 *       topic. The rate is input records / (time the last output record became visible to a read_committed
 *       reader − log-append time of the first output record), so start-up is not counted.
 *   <li>Latency: each runs again on a live stream of {@code --rate} events/s for {@code --seconds}; latency is
 *       when a read_committed reader sees an output record minus the time written into the event.
 * </ol>
 *
 * <p>The throughput runs are repeated {@code --rounds} times and the last round is reported: the first one
 * also pays for JIT compilation and for the planner's code generation in a fresh JVM.
 *
 * <p>Options: {@code --records 1000000 --rate 20000 --seconds 10 --partitions 2 --parallelism 1
 * --checkpoint-ms 1000 --rounds 2}.
 */
public final class JobBenchmark {

  private final PrintStream out = System.out;
  private final Map<String, String> options;
  private final LocalKafkaBroker kafka;
  private final AtomicInteger topics = new AtomicInteger();

  private JobBenchmark(Map<String, String> options, LocalKafkaBroker kafka) {
    this.options = options;
    this.kafka = kafka;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new java.util.HashMap<>(Map.of("records", "1000000", "rate", "20000",
        "seconds", "10", "partitions", "2", "parallelism", "1", "checkpoint-ms", "1000", "rounds", "2"));
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

  private void run() throws Exception {
    long records = option("records");
    out.printf("JobBenchmark %s, %d cores, Java %s%n", options, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    String input = topic("input");
    Workload workload = new Workload();
    long loadStart = System.currentTimeMillis();
    workload.load(kafka.bootstrapServers(), input, records);
    out.printf("loaded %d records (%.0f bytes on average) in %d ms; the query keeps %d%n", records,
        workload.averageSize(), System.currentTimeMillis() - loadStart, workload.kept());

    try (MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setNumTaskManagers(1).setNumSlotsPerTaskManager((int) option("parallelism")).build())) {
      flink.start();
      // The first round also warms up the JIT (and the job's planner and generated code): the last counts.
      double baseline = 0;
      double atLeastOnce = 0;
      double exactlyOnce = 0;
      for (long round = 1; round <= option("rounds"); round++) {
        out.printf("-- throughput round %d of %d%n", round, option("rounds"));
        baseline = throughputOfCopy(input, records);
        atLeastOnce = throughputOfJob(flink, input, records, workload.kept(), DeliveryGuarantee.AT_LEAST_ONCE);
        exactlyOnce = throughputOfJob(flink, input, records, workload.kept(), DeliveryGuarantee.EXACTLY_ONCE);
      }
      out.println("-- latency");
      long[] copyLatency = latencyOfCopy();
      long[] aloLatency = latencyOfJob(flink, DeliveryGuarantee.AT_LEAST_ONCE);
      long[] eosLatency = latencyOfJob(flink, DeliveryGuarantee.EXACTLY_ONCE);

      out.println();
      out.printf("%-28s %12s %8s %10s %10s%n", "", "records/s", "ratio", "p50 ms", "p99 ms");
      report("baseline copy loop", baseline, baseline, copyLatency);
      report("job at-least-once", atLeastOnce, baseline, aloLatency);
      report("job exactly-once", exactlyOnce, baseline, eosLatency);
      out.printf("targets: at-least-once >= 0.80x, exactly-once >= 0.70x of the baseline%n");
    }
  }

  private void report(String name, double rate, double baseline, long[] latencies) {
    out.printf("%-28s %12.0f %7.2fx %10d %10d%n", name, rate, rate / baseline, percentile(latencies, 50),
        percentile(latencies, 99));
  }

  private double throughputOfCopy(String input, long records) throws Exception {
    String output = outputTopic("copy");
    CopyLoop copy = new CopyLoop(kafka.bootstrapServers(), input, output);
    Thread thread = new Thread(copy, "copy-loop");
    thread.start();
    try (OutputWatch watch = new OutputWatch(kafka.bootstrapServers(), output)) {
      return rate("baseline copy loop", records, watch, records);
    } finally {
      copy.stop();
      thread.join();
    }
  }

  private double throughputOfJob(MiniCluster flink, String input, long records, long kept,
      DeliveryGuarantee delivery) throws Exception {
    String output = outputTopic("job");
    try (LocalPipeline job = LocalPipeline.start(flink, plan(input, output, delivery), parallelism(), null);
        OutputWatch watch = new OutputWatch(kafka.bootstrapServers(), output)) {
      return rate("job " + delivery, records, watch, kept);
    }
  }

  private double rate(String name, long records, OutputWatch watch, long expectedOutput) throws Exception {
    long visible = watch.awaitVisible(expectedOutput, Duration.ofMinutes(3));
    long first = watch.firstAppendTime();
    double rate = records * 1000.0 / Math.max(1, visible - first);
    out.printf("%-28s %d input records in %d ms: %.0f records/s%n", name, records, visible - first, rate);
    return rate;
  }

  private long[] latencyOfCopy() throws Exception {
    String input = topic("live-copy");
    String output = outputTopic("live-copy-out");
    CopyLoop copy = new CopyLoop(kafka.bootstrapServers(), input, output);
    Thread thread = new Thread(copy, "copy-loop");
    thread.start();
    try {
      return latency("baseline copy loop", input, output);
    } finally {
      copy.stop();
      thread.join();
    }
  }

  private long[] latencyOfJob(MiniCluster flink, DeliveryGuarantee delivery) throws Exception {
    String input = topic("live-job");
    String output = outputTopic("live-job-out");
    try (LocalPipeline job = LocalPipeline.start(flink, plan(input, output, delivery), parallelism(), null)) {
      return latency("job " + delivery, input, output);
    }
  }

  /** Streams events at the configured rate into {@code input} once output flows, and measures their latency. */
  private long[] latency(String name, String input, String output) throws Exception {
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
      long keptBefore = workload.kept();
      Thread streamer = new Thread(() -> stream(producer, input, workload, rate, seconds), "live-producer");
      streamer.start();
      long[] latencies = watch.latenciesMs((int) (rate * seconds * 0.85), Duration.ofSeconds(seconds + 30));
      streamer.join();
      out.printf("%-28s %d live records at %d/s: p50 %d ms, p99 %d ms (%d kept by the query before)%n", name,
          latencies.length, rate, percentile(latencies, 50), percentile(latencies, 99), keptBefore);
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

  private PipelinePlan plan(String input, String output, DeliveryGuarantee delivery) {
    String id = "bench." + topics.incrementAndGet();
    SourcePlan source = new SourcePlan("events", input, Format.JSON, List.of(
        new ColumnPlan("id", "BIGINT", true), new ColumnPlan("ts", "BIGINT", true),
        new ColumnPlan("user_id", "STRING", false), new ColumnPlan("country", "STRING", false),
        new ColumnPlan("amount", "DOUBLE", true), new ColumnPlan("paid", "BOOLEAN", false),
        new ColumnPlan("session", "STRING", false), new ColumnPlan("note", "STRING", false)),
        StartingOffsets.of(StartingOffsets.Mode.EARLIEST), null);
    return new PipelinePlan(PlanCodec.CURRENT_VERSION, "bench/" + id, kafka.bootstrapServers(), List.of(source),
        Workload.SQL, new SinkPlan(output, Format.JSON, List.of()), null, delivery, option("checkpoint-ms"), 0, 0,
        id, id, null, null);
  }

  private int parallelism() {
    return (int) option("parallelism");
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

  private static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
