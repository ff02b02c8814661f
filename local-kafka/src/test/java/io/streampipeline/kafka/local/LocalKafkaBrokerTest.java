package io.streampipeline.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalKafkaBrokerTest {

  /** Shared by the tests that leave it running; the others start their own. */
  private static LocalKafkaBroker kafka;

  @BeforeAll
  static void startKafka() {
    kafka = LocalKafkaBroker.start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  void committedTransactionIsReadAndAbortedOneIsNot() throws Exception {
    kafka.createTopic("tx", 2, Map.of());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID(),
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000"),
        new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("tx", "k", "aborted"));
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("tx", "k", "committed"));
      producer.commitTransaction();
    }
    assertThat(readCommitted(kafka, "tx", 1)).containsExactly("committed");
  }

  @Test
  void portInUseFailsWithClearMessage() {
    assertThatThrownBy(() -> LocalKafkaBroker.start(kafka.port()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("port " + kafka.port() + " is already in use");
  }

  @Test
  void closeDeletesTheLogDirectory() throws Exception {
    // This broker's own directory: other brokers on the machine (parallel builds) come and go in the same /tmp.
    LocalKafkaBroker broker = LocalKafkaBroker.start();
    Path logDir = broker.logDir();
    assertThat(logDir).isDirectory();
    broker.close();
    assertThat(logDir).doesNotExist();
  }

  @Test
  void brokerIsKafka41InAProcessOfItsOwn() throws Exception {
    assertThat(kafka.pid()).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(ProcessHandle.of(kafka.pid()).flatMap(p -> p.info().commandLine()))
        .hasValueSatisfying(command -> assertThat(command).contains("kafka_2.13-4.1.0.jar")
            .doesNotContain("kafka-clients-3.4.0.jar"));
    // Metadata version 27 is 4.1-IV1, which Kafka 4.1 introduced (3.4 went up to 8).
    assertThat(kafka.admin().describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS).supportedFeatures()
        .get("metadata.version").maxVersion()).isGreaterThanOrEqualTo((short) 27);
  }

  @Test
  void killedBrokerRestartsOnItsLog() throws Exception {
    kafka.createTopic("crash", 1, Map.of());
    produce(kafka, "crash", "before");
    long firstPid = kafka.pid();

    kafka.kill();
    assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThatThrownBy(() -> kafka.admin().describeCluster(new DescribeClusterOptions().timeoutMs(1_000))
        .nodes().get()).hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);

    kafka.restart();
    assertThat(kafka.pid()).isNotEqualTo(firstPid);
    produce(kafka, "crash", "after");
    assertThat(readCommitted(kafka, "crash", 2)).containsExactly("before", "after");
  }

  @Test
  void brokerDoesNotOutliveTheJvmThatStartedIt() throws Exception {
    Process owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BrokerOwner.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String[] started;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
        assertThat(line).as("the owner's output ended before it started a broker").isNotNull();
      } while (!line.startsWith("broker "));
      started = line.split(" ");
    } finally {
      owner.destroyForcibly().waitFor();
    }
    ProcessHandle broker = ProcessHandle.of(Long.parseLong(started[1])).orElseThrow();
    Path workDir = Path.of(started[2]);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> !broker.isAlive());
    } finally {
      broker.destroyForcibly();
      deleteRecursively(workDir);
    }
  }

  private static void produce(LocalKafkaBroker kafka, String topic, String value) throws Exception {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static List<String> readCommitted(LocalKafkaBroker kafka, String topic, int expected) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      // One more poll: nothing beyond the expected records may follow.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
      return values;
    }
  }
}
