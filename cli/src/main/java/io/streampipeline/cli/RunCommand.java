package io.streampipeline.cli;

import io.streampipeline.job.LocalPipeline;
import io.streampipeline.model.JobSpec;
import io.streampipeline.operator.api.StreamPipeline;
import io.streampipeline.operator.children.DesiredTopic;
import io.streampipeline.operator.children.PipelineChildren;
import io.streampipeline.plan.PipelinePlan;
import io.streampipeline.plan.Problem;
import io.streampipeline.plan.SourcePlan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a pipeline on this machine: the bundled job in a local Flink MiniCluster, against a Kafka",
        "broker started in this process (with the pipeline's topics) or an existing cluster.",
        "Input lines go to the first source's topic (SOURCE's with --input SOURCE=FILE), round-robin over its",
        "partitions; an upsert source's lines are KEY<TAB>VALUE (VALUE " + OutputTail.TOMBSTONE + ": a tombstone),",
        "partitioned by key. Several --input are written in order, each once the job has read the one before.",
        "Sink records are printed as KEY<TAB>VALUE (a deleted key as KEY<TAB>" + OutputTail.TOMBSTONE + "). Progress goes to stderr.",
        "Local runs checkpoint at least every second, so exactly-once output shows up quickly.",
        "Ctrl-C stops the job (with a savepoint when --savepoint-on-stop is given) and everything it started."})
final class RunCommand implements Callable<Integer> {

  static final long LOCAL_CHECKPOINT_INTERVAL_MS = 1000;
  private static final Duration QUIET = Duration.ofSeconds(1);
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Spec
  private CommandSpec command;

  @Mixin
  private Verbosity verbosity;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "PIPELINE.yaml", description = "The pipeline.")
  private Path file;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "An existing Kafka with the pipeline's topics (default: start a broker in this process).")
  private String bootstrapServers;

  @Option(names = "--kafka-config", paramLabel = "client.properties",
      description = {"Client properties of that Kafka (security.protocol, sasl.*, ssl.*), as Kafka's own tools take",
          "them; its bootstrap.servers is used when --bootstrap-servers is not given. Secret values stay in the file:",
          "the job's clients read them from it."})
  private Path kafkaConfig;

  @Option(names = "--port", paramLabel = "N", defaultValue = "0",
      description = "Port of the local broker (default: a free one).")
  private int port;

  @Option(names = "--input", paramLabel = "[SOURCE=]FILE|-",
      description = "Lines to write to a source's topic (the first source's without SOURCE=), one record each;"
          + " - reads stdin. Repeatable: written in the order given.")
  private List<String> inputs = new ArrayList<>();

  @Option(names = "--output", paramLabel = "FILE", description = "Write sink records here instead of stdout.")
  private Path output;

  @Option(names = "--until-idle",
      description = "Exit once the input is fed, the job has checkpointed past all of it, and the output is quiet.")
  private boolean untilIdle;

  @Option(names = "--savepoint-on-stop", paramLabel = "DIR",
      description = "Stop the job with a savepoint under DIR (on Ctrl-C or when idle) and print its path.")
  private Path savepointDir;

  @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Start the job from this savepoint.")
  private String fromSavepoint;

  private volatile boolean stopRequested;

  @Override
  public Integer call() throws Exception {
    verbosity.applyLogLevel();
    StreamPipeline pipeline = PipelineFiles.readOne(file);
    if (pipeline.getMetadata().getNamespace() == null) {
      pipeline.getMetadata().setNamespace("default");
    }
    List<Problem> problems = PipelineCheck.problems(pipeline);
    if (!problems.isEmpty()) {
      throw CliException.invalidPipeline(file + ": " + problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    }
    PipelinePlan plan = PipelineChildren.plan(pipeline);
    List<DesiredTopic> topics = PipelineChildren.topics(pipeline.getSpec());
    JobSpec job = pipeline.getSpec().getJob() == null ? new JobSpec() : pipeline.getSpec().getJob();
    PrintWriter err = command.commandLine().getErr();

    try (StopSignals signals = StopSignals.install(this::requestStop);
        KafkaTarget kafka = kafkaTarget(topics)) {
      return run(kafka, localPlan(plan, kafka), job.getParallelism(), err);
    }
  }

  /** The broker of this run: started here, or the cluster of --bootstrap-servers and --kafka-config. */
  private KafkaTarget kafkaTarget(List<DesiredTopic> topics) {
    KafkaConfigFile config = kafkaConfig == null ? null : KafkaConfigFile.read(kafkaConfig);
    String servers = bootstrapServers != null || config == null ? bootstrapServers : config.bootstrapServers();
    if (servers == null) {
      if (config != null) {
        throw new CliException("--kafka-config " + kafkaConfig + " has no bootstrap.servers: pass --bootstrap-servers");
      }
      return KafkaTarget.embedded(port, topics);
    }
    return KafkaTarget.existing(servers, config == null ? Map.of() : config.clientProperties(), topics);
  }

  private void requestStop() {
    stopRequested = true;
  }

  private int run(KafkaTarget kafka, PipelinePlan plan, int parallelism, PrintWriter err) throws Exception {
    PrintWriter out = output == null ? command.commandLine().getOut()
        : new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8), true);
    ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "streampipeline-run");
      thread.setDaemon(true);
      return thread;
    });
    InputFeeder feeder = inputs.isEmpty() ? null
        : new InputFeeder(kafka.clientConfig(), inputs.stream().map(i -> input(plan, i)).toList(),
            topic -> kafka.committedAtLeast(plan.consumerGroup(), kafka.endOffsets(List.of(topic))));
    try (OutputTail tail = new OutputTail(kafka.clientConfig(), plan.allSinks(), plan.deadLetterTopic(), out);
        MiniClusterResource flink = new MiniClusterResource(LocalFlink.start(parallelism))) {
      threads.submit(tail);
      LocalPipeline job = LocalPipeline.start(flink.cluster, plan, parallelism, fromSavepoint);
      try {
        Future<Long> fed = null;
        if (feeder != null) {
          awaitRunning(job);
          fed = threads.submit(feeder);
        }
        watch(kafka, flink.cluster, job, plan, feeder, fed, tail, err);
        if (savepointDir != null && !job.status().isGloballyTerminalState()) {
          String savepoint = job.stopWithSavepoint(savepointDir.toAbsolutePath());
          err.println("streampipeline: savepoint " + savepoint);
        }
      } finally {
        if (feeder != null) {
          feeder.stop();
        }
        job.close();
      }
      if (tail.failure() != null) {
        throw new CliException("cannot read the output: " + Errors.oneLine(tail.failure()), tail.failure());
      }
      err.println(progress(feeder, tail, "done"));
      return ExitCode.OK.code();
    } finally {
      threads.shutdownNow();
      threads.awaitTermination(10, TimeUnit.SECONDS);
      out.flush();
      if (output != null) {
        out.close();
      }
    }
  }

  /**
   * Runs until stopped, or with {@code --until-idle} until idle: the input is written, the job's consumer group
   * has committed offsets at the end of every source partition (offsets are committed when a checkpoint completes),
   * one more checkpoint has completed after that (so the sink's transactions of the checkpoint that covered the
   * last input are committed), and the output reader is at the end of the sink and quiet.
   */
  private void watch(KafkaTarget kafka, MiniCluster cluster, LocalPipeline job, PipelinePlan plan,
      InputFeeder feeder, Future<Long> fed, OutputTail tail, PrintWriter err) throws Exception {
    long started = System.nanoTime();
    long nextProgress = started + PROGRESS_INTERVAL.toNanos();
    Map<TopicPartition, Long> inputEnds = null;
    long checkpointsWhenCaughtUp = -1;
    while (!stopRequested) {
      JobStatus status = job.status();
      if (status.isGloballyTerminalState()) {
        throw new CliException("the job " + status.name().toLowerCase() + ": " + failureOf(job.awaitResult()));
      }
      if (tail.failure() != null) {
        // The reader has stopped: waiting for it to reach the end of the output would wait for ever.
        throw new CliException("cannot read the output: " + Errors.oneLine(tail.failure()), tail.failure());
      }
      if (fed != null && fed.isDone()) {
        try {
          fed.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new CliException("cannot write the input: " + Errors.oneLine(e.getCause()), e.getCause());
        }
      }
      if (untilIdle && (fed == null || fed.isDone())) {
        if (inputEnds == null) {
          inputEnds = kafka.endOffsets(plan.sources().stream().map(SourcePlan::topic).toList());
        }
        if (checkpointsWhenCaughtUp < 0) {
          if (kafka.committedAtLeast(plan.consumerGroup(), inputEnds)) {
            checkpointsWhenCaughtUp = LocalFlink.completedCheckpoints(cluster, job.jobId());
          }
        } else if (LocalFlink.completedCheckpoints(cluster, job.jobId()) > checkpointsWhenCaughtUp
            && tail.settled(QUIET)) {
          return;
        }
      }
      if (System.nanoTime() >= nextProgress) {
        err.println(progress(feeder, tail, (System.nanoTime() - started) / 1_000_000_000L + "s"));
        err.flush();
        nextProgress += PROGRESS_INTERVAL.toNanos();
      }
      Thread.sleep(100);
    }
    LOG.info("Stop requested");
  }

  private static String progress(InputFeeder feeder, OutputTail tail, String when) {
    return "streampipeline: [" + when + "] " + (feeder == null ? 0 : feeder.written()) + " records in, "
        + tail.records() + " out, " + tail.deadLetters() + " dead-lettered";
  }

  /**
   * The plan against this run's Kafka and with its client properties (those of the pipeline's own cluster do
   * not apply), checkpointing at least every {@link #LOCAL_CHECKPOINT_INTERVAL_MS}.
   */
  private static PipelinePlan localPlan(PipelinePlan plan, KafkaTarget kafka) {
    return new PipelinePlan(plan.version(), plan.pipeline(), kafka.bootstrapServers(), plan.sources(), plan.sql(),
        plan.sink(), plan.deadLetterTopic(), plan.delivery(),
        Math.min(plan.checkpointIntervalMs(), LOCAL_CHECKPOINT_INTERVAL_MS), plan.restartAttempts(),
        plan.restartDelayMs(), plan.consumerGroup(), plan.transactionalIdPrefix(), plan.state(),
        kafka.clientProperties().isEmpty() ? null : kafka.clientProperties(), plan.sinks());
  }

  /** {@code [SOURCE=]FILE|-}: SOURCE= only when it names a source, so that any file name still works. */
  private static InputFeeder.Input input(PipelinePlan plan, String argument) {
    int equals = argument.indexOf('=');
    SourcePlan source = equals < 0 ? null : plan.sources().stream()
        .filter(s -> s.name().equals(argument.substring(0, equals))).findFirst().orElse(null);
    String file = source == null ? argument : argument.substring(equals + 1);
    SourcePlan target = source == null ? plan.sources().get(0) : source;
    return new InputFeeder.Input(target.topic(), target.upsert(), () -> open(file));
  }

  private static BufferedReader open(String input) throws Exception {
    if ("-".equals(input)) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    Path path = Path.of(input);
    if (!Files.isReadable(path)) {
      throw new CliException("--input " + input + ": cannot read it");
    }
    return Files.newBufferedReader(path, StandardCharsets.UTF_8);
  }

  /** The job must be running before input is written, or a source starting at latest offsets would miss it. */
  private void awaitRunning(LocalPipeline job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (job.status() != JobStatus.RUNNING) {
      if (job.status().isGloballyTerminalState()) {
        throw new CliException("the job " + job.status().name().toLowerCase() + ": " + failureOf(job.awaitResult()));
      }
      if (System.nanoTime() > deadline || stopRequested) {
        return;
      }
      Thread.sleep(50);
    }
  }

  private static String failureOf(JobResult result) {
    return result.getSerializedThrowable()
        .map(t -> Errors.oneLine(rootCause(t.deserializeError(RunCommand.class.getClassLoader()))))
        .orElse("no error reported");
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Closes the MiniCluster when the run ends. */
  private record MiniClusterResource(MiniCluster cluster) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      cluster.close();
    }
  }
}
