package io.streampipeline.kafka.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (one process acting as broker and KRaft controller), Kafka 4.1 as Strimzi
 * 0.49 runs it, in a JVM process of its own (its classpath is not this JVM's, whose Flink connector needs an
 * older client), with its log in a temporary directory that {@link #close()} deletes. Configured for one
 * replica: transactions, consumer groups and exactly-once work as on a real cluster.
 *
 * <p>{@link #startSecured()} starts one as a production cluster is secured: besides PLAINTEXT, a TLS, a
 * SASL_SSL SCRAM-SHA-512 and a mutual-TLS listener, certificates from a CA of its own
 * ({@link #certificateAuthority()}), KRaft's {@code StandardAuthorizer} and no access without an ACL (even on
 * PLAINTEXT); {@link #admin()} is then a super user, {@code User:CN=admin} over mutual TLS.
 *
 * <p>The process never outlives this JVM. It can be killed hard ({@link #kill()}, SIGKILL) and started
 * again on the same ports and log directory ({@link #restart()}), to test what survives a broker crash.
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
  /** A JVM start, formatting and KRaft election take seconds; a machine busy with parallel builds, many more. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  /** The fewest Kafka accepts for SCRAM-SHA-512. */
  private static final int SCRAM_ITERATIONS = 4096;

  /** A client listener: its name in the broker's configuration is the constant's name. */
  public enum Listener {
    PLAINTEXT("PLAINTEXT"),
    /** TLS without client authentication: clients are {@code User:ANONYMOUS}. */
    TLS("SSL"),
    SCRAM_SHA_512("SASL_SSL"),
    /** TLS with client certificates: a client is {@code User:<its certificate's subject>}, e.g. {@code User:CN=alice}. */
    MTLS("SSL");

    private final String protocol;

    Listener(String protocol) {
      this.protocol = protocol;
    }

    /** Its {@code security.protocol}. */
    public String protocol() {
      return protocol;
    }
  }

  private final Map<Listener, Integer> ports;
  /** Null for a plaintext broker without authorization. */
  private final BrokerSecurity security;
  private final Path workDir;
  private final Path config;
  private final String clusterId;
  private final Admin admin;
  /** Kills the broker and deletes its directory if this JVM exits (say, on Ctrl-C in the CLI) before close(). */
  private final Thread shutdownHook;
  private BrokerProcess process;
  private boolean closed;

  private LocalKafkaBroker(Map<Listener, Integer> ports, BrokerSecurity security, Path workDir, Path config) {
    this.ports = ports;
    this.security = security;
    this.workDir = workDir;
    this.config = config;
    this.clusterId = Uuid.randomUuid().toString();
    this.admin = Admin.create(superUserClientConfig());
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
    return start(port, false, null);
  }

  /** Starts a secured broker (see the class comment) on free ports. */
  public static LocalKafkaBroker startSecured() {
    return start(0, true, null);
  }

  /**
   * Starts a broker whose plaintext listener is reached through {@code proxy}: the broker listens on a free port of
   * its own, advertises the proxy's, and the proxy forwards to it; {@link #bootstrapServers()} is the proxy's
   * address. The proxy outlives {@link #kill()} and {@link #restart()}; close it after the broker.
   */
  public static LocalKafkaBroker startBehind(KafkaRequestProxy proxy) {
    return start(0, false, proxy);
  }

  private static LocalKafkaBroker start(int port, boolean secured, KafkaRequestProxy proxy) {
    Map<Listener, Integer> ports = new EnumMap<>(Listener.class);
    ports.put(Listener.PLAINTEXT, proxy != null ? proxy.port() : port == 0 ? freePort() : requireFree(port));
    if (secured) {
      for (Listener listener : List.of(Listener.TLS, Listener.SCRAM_SHA_512, Listener.MTLS)) {
        ports.put(listener, freePort(ports.values()));
      }
    }
    Map<Listener, Integer> bound = new EnumMap<>(ports);
    if (proxy != null) {
      bound.put(Listener.PLAINTEXT, freePort(ports.values()));
      proxy.forwardTo(bound.get(Listener.PLAINTEXT));
    }
    int controllerPort = freePort(Stream.concat(ports.values().stream(), bound.values().stream()).toList());
    Path workDir;
    try {
      workDir = Files.createTempDirectory("streampipeline-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's work directory", e);
    }
    LocalKafkaBroker broker;
    try {
      Path config = workDir.resolve("server.properties");
      Properties props = config(ports, bound, controllerPort, workDir.resolve("log"), secured);
      BrokerSecurity security = null;
      if (secured) {
        security = BrokerSecurity.create(Files.createDirectory(workDir.resolve("tls")));
        security.configure(props);
      }
      writeConfig(config, props);
      broker = new LocalKafkaBroker(ports, security, workDir, config);
    } catch (IOException e) {
      deleteRecursively(workDir);
      throw new UncheckedIOException("cannot prepare the broker's work directory", e);
    } catch (RuntimeException e) {
      deleteRecursively(workDir);
      throw e;
    }
    broker.launch();
    LOG.info("Kafka broker started at {} (pid {}, directory {})", broker.bootstrapServers(), broker.pid(), workDir);
    return broker;
  }

  /** The address of the PLAINTEXT listener, {@code localhost:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers(Listener.PLAINTEXT);
  }

  /** The address of {@code listener}. */
  public String bootstrapServers(Listener listener) {
    Integer port = ports.get(listener);
    if (port == null) {
      throw new IllegalStateException("this broker has no " + listener + " listener: start it with startSecured()");
    }
    return HOST + ":" + port;
  }

  /**
   * What a client of {@code listener} needs besides its credentials: {@code bootstrap.servers},
   * {@code security.protocol}, trust in the broker's CA (TLS listeners), {@code sasl.mechanism} (SCRAM).
   */
  public Map<String, Object> clientConfig(Listener listener) {
    Map<String, Object> config = security == null
        ? new HashMap<>(Map.of("security.protocol", listener.protocol())) : security.clientConfig(listener);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(listener));
    return config;
  }

  /** A client configuration with every right: the plaintext listener, or on a secured broker {@code User:CN=admin}. */
  public Map<String, Object> superUserClientConfig() {
    if (security == null) {
      return clientConfig(Listener.PLAINTEXT);
    }
    Map<String, Object> config = security.adminConfig();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(Listener.MTLS));
    return config;
  }

  /** The CA that signed a secured broker's certificate, to issue client certificates it trusts. */
  public CertificateAuthority certificateAuthority() {
    return requireSecured().ca();
  }

  /** A secured broker's CA certificate in PEM, as Strimzi's {@code <cluster>-cluster-ca-cert} Secret's {@code ca.crt}. */
  public Path caCertificate() {
    return requireSecured().caCertificate();
  }

  /** Creates or replaces a SCRAM-SHA-512 credential through the Admin API, as Strimzi's User Operator does. */
  public void createScramUser(String user, String password) {
    requireSecured();
    try {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create the SCRAM credential of " + user, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the SCRAM credential of " + user, e);
    }
  }

  /** The broker's temporary log directory, deleted by {@link #close()}. */
  public Path logDir() {
    return workDir.resolve("log");
  }

  /** The PLAINTEXT listener's port. */
  public int port() {
    return ports.get(Listener.PLAINTEXT);
  }

  /** The broker process's id, which changes on {@link #restart()}. */
  public synchronized long pid() {
    return process.pid();
  }

  /**
   * Creates a topic with one replica; an existing topic of that name is left as it is. Returns once the broker
   * serves the topic's metadata: the controller acknowledges a creation before the broker has applied it, and a
   * client asking in between (say, for the partitions to assign) would find no such topic.
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    try {
      try {
        admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
        }
      }
      awaitMetadata(name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out creating topic " + name, e);
    }
  }

  /** An admin client of this broker, owned by it: do not close it. It reconnects after a {@link #restart()}. */
  public Admin admin() {
    return admin;
  }

  /**
   * Kills the broker process with SIGKILL, as a crash or the kernel's OOM killer would: nothing is flushed or
   * shut down in order. The log directory stays for {@link #restart()}.
   */
  public synchronized void kill() {
    requireOpen();
    process.kill();
    LOG.info("Kafka broker at {} killed (pid {})", bootstrapServers(), process.pid());
  }

  /** Starts the broker again, after {@link #kill()}, on the same ports and log directory, and waits until it serves. */
  public synchronized void restart() {
    requireOpen();
    if (process.isAlive()) {
      throw new IllegalStateException("the Kafka broker at " + bootstrapServers() + " is running: kill() it first");
    }
    launch();
    LOG.info("Kafka broker at {} restarted (pid {})", bootstrapServers(), process.pid());
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

  /** Kills rather than shuts down: the log is deleted right after, so an orderly shutdown would only cost time. */
  private synchronized void stop() {
    if (closed) {
      return;
    }
    closed = true;
    admin.close(Duration.ofSeconds(5));
    if (process != null) {
      process.kill();
    }
    deleteRecursively(workDir);
    LOG.info("Kafka broker at {} stopped", bootstrapServers());
  }

  private synchronized void launch() {
    process = BrokerProcess.launch(config, clusterId, workDir.resolve("broker.log"));
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        IllegalStateException failure = new IllegalStateException("the Kafka broker process exited while starting; "
            + "its last output:\n" + process.outputTail(30));
        close();
        throw failure;
      }
      try {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get();
        return;
      } catch (ExecutionException notYet) {
        if (System.nanoTime() > deadline) {
          IllegalStateException failure = new IllegalStateException("the Kafka broker did not become ready at "
              + bootstrapServers() + " within " + READY_TIMEOUT.toSeconds() + " s; its last output:\n"
              + process.outputTail(30), notYet.getCause());
          close();
          throw failure;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
      }
    }
  }

  private void awaitMetadata(String topic) throws InterruptedException, java.util.concurrent.TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + topic + " was created but the broker does not serve it: "
              + e.getCause().getMessage(), e);
        }
      }
      Thread.sleep(50);
    }
  }

  private BrokerSecurity requireSecured() {
    if (security == null) {
      throw new IllegalStateException("this broker is not secured: start it with startSecured()");
    }
    return security;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the Kafka broker at " + bootstrapServers() + " is closed");
    }
  }

  /**
   * @param ports each listener's advertised port
   * @param bound each listener's port the broker listens on: the advertised one, unless a proxy sits in between
   */
  private static Properties config(Map<Listener, Integer> ports, Map<Listener, Integer> bound, int controllerPort,
      Path logDir, boolean secured) {
    String advertised = ports.entrySet().stream()
        .map(e -> e.getKey() + "://" + HOST + ":" + e.getValue()).collect(Collectors.joining(","));
    String listeners = bound.entrySet().stream()
        .map(e -> e.getKey() + "://" + HOST + ":" + e.getValue()).collect(Collectors.joining(","));
    String protocols = ports.keySet().stream()
        .map(listener -> listener + ":" + listener.protocol()).collect(Collectors.joining(","));
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    props.put("listeners", listeners + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", advertised);
    // Secured, the broker talks to its controller and to itself (transaction markers) over mutual TLS as
    // User:CN=broker: over PLAINTEXT it would be User:ANONYMOUS, which would then need every right.
    props.put("listener.security.protocol.map", protocols + ",CONTROLLER:" + (secured ? "SSL" : "PLAINTEXT"));
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", (secured ? Listener.MTLS : Listener.PLAINTEXT).name());
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
    // Keep every record: tests and examples write event times (and record timestamps) in the past, which the
    // default seven-day retention would delete a retention check after they were written.
    props.put("log.retention.ms", "-1");
    // No fsync: a local broker favours speed over durability (a killed process's writes are still in the page cache).
    props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    props.put("log.segment.bytes", Integer.toString(256 * 1024 * 1024));
    return props;
  }

  private static void writeConfig(Path file, Properties props) {
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "local-kafka single-node broker");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** A free port other than {@code taken}: two look-ups can return the same port, closed in between. */
  private static int freePort(Collection<Integer> taken) {
    int port = freePort();
    while (taken.contains(port)) {
      port = freePort();
    }
    return port;
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

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("cannot delete {}", dir, e);
    }
  }
}
