package io.streampipeline.kafka.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.MetaProperties;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A real single-node Kafka cluster (one process acting as broker and KRaft controller) running inside this
 * JVM, with its log in a temporary directory that {@link #close()} deletes. Configured for one replica:
 * transactions, consumer groups and exactly-once work as on a real cluster.
 *
 * <pre>{@code
 * try (LocalKafkaBroker kafka = LocalKafkaBroker.start()) {
 *   kafka.createTopic("words", 3, Map.of());
 *   ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 */
public final class LocalKafkaBroker implements AutoCloseable {

  /** The longest transaction a producer may ask for: well above any job's transaction timeout. */
  public static final long MAX_TRANSACTION_TIMEOUT_MS = 3_600_000L;

  private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
  private static final String HOST = "localhost";

  private final int port;
  private final Path logDir;
  private final KafkaRaftServer server;
  private final Admin admin;
  /** Stops the broker and deletes its log if the JVM exits (say, on Ctrl-C in the CLI) before close(). */
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalKafkaBroker(int port, Path logDir, KafkaRaftServer server) {
    this.port = port;
    this.logDir = logDir;
    this.server = server;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    this.shutdownHook = new Thread(this::stop, "local-kafka-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a broker on a free port. */
  public static LocalKafkaBroker start() {
    return start(0);
  }

  /**
   * Starts a broker listening on {@code port}, or on a free port when it is 0.
   *
   * @throws IllegalStateException when {@code port} is already in use
   */
  public static LocalKafkaBroker start(int port) {
    int brokerPort = port == 0 ? freePort() : requireFree(port);
    int controllerPort = freePort();
    // Two look-ups of a free port can return the same one (the first socket is closed before the second opens).
    while (controllerPort == brokerPort) {
      controllerPort = freePort();
    }
    Path logDir;
    try {
      logDir = Files.createTempDirectory("streampipeline-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's log directory", e);
    }
    KafkaRaftServer server = null;
    try {
      KafkaConfig config = KafkaConfig.fromProps(config(brokerPort, controllerPort, logDir));
      format(logDir, config);
      server = new KafkaRaftServer(config, Time.SYSTEM, Option.apply("local-kafka"));
      server.startup();
      LocalKafkaBroker broker = new LocalKafkaBroker(brokerPort, logDir, server);
      broker.awaitReady();
      LOG.info("Kafka broker started at {} (log dir {})", broker.bootstrapServers(), logDir);
      return broker;
    } catch (RuntimeException e) {
      if (server != null) {
        shutdown(server);
      }
      deleteRecursively(logDir);
      throw e;
    }
  }

  /** The address clients connect to, {@code localhost:<port>}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The broker's temporary log directory, deleted by {@link #close()}. */
  public Path logDir() {
    return logDir;
  }

  public int port() {
    return port;
  }

  /** Creates a topic with one replica; an existing topic of that name is left as it is. */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    try {
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out creating topic " + name, e);
    }
  }

  /** An admin client of this broker, owned by it: do not close it. */
  public Admin admin() {
    return admin;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException exiting) {
      // The JVM is exiting and the hook runs (or ran) stop().
    }
    stop();
  }

  private void stop() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    admin.close();
    shutdown(server);
    deleteRecursively(logDir);
    LOG.info("Kafka broker at {} stopped", bootstrapServers());
  }

  private void awaitReady() {
    try {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("Kafka broker did not become ready at " + bootstrapServers(), e);
    }
  }

  private static Properties config(int brokerPort, int controllerPort, Path logDir) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    props.put("num.partitions", "1");
    props.put("default.replication.factor", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("transaction.max.timeout.ms", Long.toString(MAX_TRANSACTION_TIMEOUT_MS));
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    // Small segments and no fsync: a local broker favours quick start and quick cleanup over durability.
    props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    props.put("log.segment.bytes", Integer.toString(256 * 1024 * 1024));
    return props;
  }

  /** What {@code kafka-storage.sh format} does: writes meta.properties and the bootstrap metadata. */
  private static void format(Path logDir, KafkaConfig config) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc = StorageTool.formatCommand(new PrintStream(output, true, StandardCharsets.UTF_8),
        CollectionConverters.asScala(List.of(logDir.toString())).toList(),
        MetaProperties.apply(Uuid.randomUuid().toString(), config.nodeId()),
        MetadataVersion.latest(), false);
    if (rc != 0) {
      throw new IllegalStateException("cannot format " + logDir + ": " + output.toString(StandardCharsets.UTF_8));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }

  private static int requireFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return port;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Kafka: port " + port + " is already in use", e);
    }
  }

  private static void shutdown(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Kafka broker did not shut down cleanly", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("cannot delete {}", dir, e);
    }
  }
}
