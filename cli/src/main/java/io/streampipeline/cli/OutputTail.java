package io.streampipeline.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import io.streampipeline.kafka.local.CommittedReader;
import io.streampipeline.plan.SinkPlan;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads what the job writes, as a read_committed consumer (so exactly-once output shows up when its
 * transaction commits): prints sink records as {@code key<TAB>value} ({@code sink<TAB>key<TAB>value} for a
 * pipeline with several named sinks) and counts dead letters. Starts at the topics' current ends, so only this
 * run's output is shown.
 */
final class OutputTail implements Runnable, AutoCloseable {

  static final String TOMBSTONE = "(tombstone)";
  private static final Duration END_CHECK_INTERVAL = Duration.ofMillis(300);

  private final KafkaConsumer<byte[], byte[]> consumer;
  /** The sinks' topics, each with what its lines start with: nothing for a single sink, else its name and a tab. */
  private final Map<String, String> sinkPrefixes = new HashMap<>();
  private final PrintWriter out;
  private final List<TopicPartition> partitions;
  private volatile long records;
  private volatile long deadLetters;
  private volatile long lastRecordNanos = System.nanoTime();
  private volatile boolean atEnd;
  private volatile boolean closed;
  private volatile Exception failure;

  /** @param clientConfig how to reach the cluster: {@code bootstrap.servers} and security */
  OutputTail(Map<String, Object> clientConfig, List<SinkPlan> sinks, String deadLetterTopic, PrintWriter out) {
    sinks.forEach(sink -> sinkPrefixes.put(sink.topic(), sink.name() == null ? "" : sink.name() + "\t"));
    this.out = out;
    List<String> topics = new ArrayList<>(sinkPrefixes.keySet());
    if (deadLetterTopic != null) {
      topics.add(deadLetterTopic);
    }
    this.consumer = CommittedReader.open(clientConfig, "streampipeline-cli", false, topics);
    this.partitions = List.copyOf(consumer.assignment());
  }

  @Override
  public void run() {
    long nextEndCheck = 0;
    try {
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          lastRecordNanos = System.nanoTime();
          String prefix = sinkPrefixes.get(record.topic());
          if (prefix != null) {
            out.println(prefix + text(record.key(), "") + "\t" + text(record.value(), TOMBSTONE));
            records++;
          } else {
            deadLetters++;
          }
        }
        out.flush();
        if (System.nanoTime() >= nextEndCheck) {
          atEnd = reachedEnd();
          nextEndCheck = System.nanoTime() + END_CHECK_INTERVAL.toNanos();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (Exception e) {
      failure = e;
    } finally {
      consumer.close(Duration.ofSeconds(1));
    }
  }

  /** Whether every committed record up to now has been read (the last stable offset is reached). */
  private boolean reachedEnd() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
  }

  long records() {
    return records;
  }

  long deadLetters() {
    return deadLetters;
  }

  Exception failure() {
    return failure;
  }

  /** At the end of what is committed, and nothing new for {@code quiet}. */
  boolean settled(Duration quiet) {
    return atEnd && System.nanoTime() - lastRecordNanos >= quiet.toNanos();
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
  }

  private static String text(byte[] bytes, String ifNull) {
    return bytes == null ? ifNull : new String(bytes, StandardCharsets.UTF_8);
  }
}
