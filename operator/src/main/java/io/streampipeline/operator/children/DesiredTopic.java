package io.streampipeline.operator.children;

import io.streampipeline.model.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Kafka topic a pipeline needs, with the name of the KafkaTopic resource that stands for it.
 *
 * @param role source, sink or deadLetter
 */
public record DesiredTopic(String role, String resourceName, TopicSpec spec) {

  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");

  public static DesiredTopic of(String role, TopicSpec spec) {
    return new DesiredTopic(role, resourceName(spec.getTopic()), spec);
  }

  public String topic() {
    return spec.getTopic();
  }

  /**
   * Kafka allows topic names that Kubernetes does not ({@code Orders_v2}); those get a sanitised name with a
   * hash suffix so that two topics never share a resource, and Strimzi's {@code spec.topicName} keeps the real name.
   */
  static String resourceName(String topic) {
    if (DNS_SUBDOMAIN.matcher(topic).matches()) {
      return topic;
    }
    String sanitised = topic.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-")
        .replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
    if (sanitised.length() > 200) {
      sanitised = sanitised.substring(0, 200);
    }
    String hash = sha256(topic).substring(0, 8);
    return sanitised.isEmpty() ? "topic-" + hash : sanitised + "-" + hash;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
