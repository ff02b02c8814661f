package io.streampipeline.kafka.local.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The main class of a local Kafka broker process: formats its log directory on first start (what
 * {@code kafka-storage.sh format} does; a directory formatted before is left as it is, so a broker killed
 * hard restarts on its log), then runs Kafka's own {@code kafka.Kafka} main, as {@code kafka-server-start.sh}
 * does.
 *
 * <p>The process lives only as long as its standard input is open: local-kafka holds the other end of
 * that pipe, so when the starting JVM closes it or dies, however it dies, the broker shuts down cleanly
 * (Kafka's shutdown hook) instead of outliving it.
 *
 * <p>Arguments: the server.properties file and the cluster id to format the log directory with.
 */
public final class KafkaBrokerProcess {

  private KafkaBrokerProcess() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: KafkaBrokerProcess SERVER_PROPERTIES CLUSTER_ID");
      System.exit(2);
    }
    exitWhenInputCloses(System.in);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int rc = StorageTool.execute(
        new String[] {"format", "--config", args[0], "--cluster-id", args[1], "--ignore-formatted"}, out);
    if (rc != 0) {
      System.err.println("cannot format the broker's log directory (exit code " + rc + ")");
      System.exit(rc);
    }
    Kafka.main(new String[] {args[0]});
  }

  private static void exitWhenInputCloses(InputStream input) {
    Thread watcher = new Thread(() -> {
      try {
        while (input.read() != -1) {
          // Nothing is ever written: the pipe only signals that the starting JVM is there.
        }
      } catch (IOException e) {
        // A broken pipe means the same as end of input.
      }
      System.exit(0);
    }, "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
