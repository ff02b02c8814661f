package io.streampipeline.kafka.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One run of the broker's JVM ({@code io.streampipeline.kafka.local.broker.KafkaBrokerProcess}, Kafka 4.1 on
 * the classpath local-kafka-broker recorded at build time). Its standard input is a pipe this JVM holds open
 * for the process's whole life: the broker exits when this JVM closes it or dies. Its output goes to a file,
 * quoted when the broker fails.
 */
final class BrokerProcess {

  private static final String MAIN_CLASS = "io.streampipeline.kafka.local.broker.KafkaBrokerProcess";
  private static final String CLASSPATH_RESOURCE = "/io/streampipeline/kafka/local/broker/classpath.txt";
  private static final String LOG_CONFIG_RESOURCE = "io/streampipeline/kafka/local/broker/log4j2-broker.properties";
  /** Enough for a test broker; the serial collector keeps its threads off a small machine's other work. */
  private static final List<String> JVM_OPTIONS =
      List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

  private final Process process;
  private final Path output;

  private BrokerProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts the broker process; it formats the log directory of {@code config} unless it is formatted already. */
  static BrokerProcess launch(Path config, String clusterId, Path output) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-Dlog4j2.configurationFile=" + LOG_CONFIG_RESOURCE);
    command.add("-cp");
    command.add(classpath());
    command.add(MAIN_CLASS);
    command.add(config.toString());
    command.add(clusterId);
    try {
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
          .start();
      return new BrokerProcess(process, output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Kafka broker process", e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: the broker gets no chance to flush, close its log or leave its transactions in order. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the Kafka broker process " + process.pid() + " did not die within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing the Kafka broker process", e);
    }
  }

  /** The last lines the process wrote, to explain why it stopped or never became ready. */
  String outputTail(int lines) {
    try (Stream<String> all = Files.lines(output, StandardCharsets.UTF_8)) {
      List<String> kept = all.collect(Collectors.toList());
      return String.join("\n", kept.subList(Math.max(0, kept.size() - lines), kept.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + output + ": " + e.getMessage() + ")";
    }
  }

  /**
   * The broker's classpath as local-kafka-broker's build resolved it: that module's classes, then Kafka 4.1
   * and its dependencies in the local Maven repository. It names files of the machine that built it.
   */
  private static String classpath() {
    String classpath;
    try (InputStream in = BrokerProcess.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no " + CLASSPATH_RESOURCE + " on the classpath: is "
            + "streampipeline-local-kafka-broker a dependency?");
      }
      classpath = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine().strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + CLASSPATH_RESOURCE, e);
    }
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!Files.exists(Path.of(entry))) {
        throw new IllegalStateException("the Kafka broker's classpath names " + entry + ", which does not exist "
            + "(built on another machine, or cleaned since): build the project again on this machine");
      }
    }
    return classpath;
  }
}
