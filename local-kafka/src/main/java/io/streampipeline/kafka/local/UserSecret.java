package io.streampipeline.kafka.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Secret Strimzi's User Operator writes for a {@code KafkaUser}, key by key: {@code password} and
 * {@code sasl.jaas.config} for SCRAM-SHA-512; {@code ca.crt}, {@code user.crt}, {@code user.key},
 * {@code user.p12} and {@code user.password} for mutual TLS. {@link #writeTo} lays it out as Kubernetes
 * mounts a Secret: one file per key, the value as the file's content.
 */
public final class UserSecret {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String user;
  private final Map<String, byte[]> data;

  private UserSecret(String user, Map<String, byte[]> data) {
    this.user = user;
    this.data = data;
  }

  /** A SCRAM-SHA-512 user {@code user} with a new random password, created on {@code broker}. */
  public static UserSecret scramSha512(LocalKafkaBroker broker, String user) {
    String password = randomPassword();
    broker.createScramUser(user, password);
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("password", bytes(password));
    data.put("sasl.jaas.config", bytes("org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user + "\" password=\"" + password + "\";"));
    return new UserSecret(user, data);
  }

  /** A mutual-TLS user {@code CN=<user>}, its certificate signed by {@code broker}'s CA. */
  public static UserSecret mutualTls(LocalKafkaBroker broker, String user) {
    CertificateAuthority.Issued issued = broker.certificateAuthority().issueClient(user);
    String password = randomPassword();
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("ca.crt", bytes(broker.certificateAuthority().certificatePem()));
    data.put("user.crt", bytes(issued.certificatePem()));
    data.put("user.key", bytes(issued.privateKeyPem()));
    data.put("user.p12", issued.pkcs12(password));
    data.put("user.password", bytes(password));
    return new UserSecret(user, data);
  }

  /** The Kafka principal the broker sees: {@code User:<name>} for SCRAM, {@code User:CN=<name>} for TLS. */
  public String principal() {
    return data.containsKey("user.p12") ? "User:CN=" + user : "User:" + user;
  }

  /** The secret values, which must appear nowhere but in this Secret: tests look for them elsewhere. */
  public String password() {
    return new String(data.get(data.containsKey("user.password") ? "user.password" : "password"),
        StandardCharsets.UTF_8);
  }

  /** The Secret's data, key by key (Kubernetes base64-encodes it in the Secret's {@code data}). */
  public Map<String, byte[]> data() {
    return Map.copyOf(data);
  }

  /** Writes one file per key into {@code dir}, as a Secret mounted there looks, and returns {@code dir}. */
  public Path writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, byte[]> entry : data.entrySet()) {
        Files.write(dir.resolve(entry.getKey()), entry.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Secret of " + user + " to " + dir, e);
    }
    return dir;
  }

  private static String randomPassword() {
    byte[] random = new byte[24];
    RANDOM.nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
