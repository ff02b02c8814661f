package io.streampipeline.operator.children;

import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.ListenerStatus;
import java.util.List;
import java.util.Optional;

/**
 * A listener of a Strimzi Kafka cluster, from Strimzi's own records: whether it is TLS and which authentication
 * it takes from the Kafka's {@code spec.kafka.listeners[]}, its bootstrap address from {@code status.listeners[]}.
 *
 * @param bootstrapServers null while Strimzi has not reported the listener in the status yet
 * @param authentication Strimzi's authentication type ({@code scram-sha-512}, {@code tls}, {@code oauth},
 *     {@code custom}); null when the listener takes none
 */
public record KafkaListener(String name, String bootstrapServers, boolean tls, String authentication) {

  /** The listener named {@code name} in the Kafka's spec, with its address when the status has it. */
  public static Optional<KafkaListener> find(Kafka kafka, String name) {
    List<GenericKafkaListener> declared = kafka.getSpec() == null || kafka.getSpec().getKafka() == null
        || kafka.getSpec().getKafka().getListeners() == null ? List.of() : kafka.getSpec().getKafka().getListeners();
    List<ListenerStatus> reported = kafka.getStatus() == null || kafka.getStatus().getListeners() == null ? List.of()
        : kafka.getStatus().getListeners();
    return declared.stream().filter(l -> name.equals(l.getName())).findFirst().map(l -> new KafkaListener(name,
        reported.stream().filter(s -> name.equals(s.getName())).map(ListenerStatus::getBootstrapServers)
            .filter(s -> s != null && !s.isBlank()).findFirst().orElse(null),
        l.isTls(), l.getAuth() == null ? null : l.getAuth().getType()));
  }

  /** The names of the listeners a Kafka declares, for messages. */
  public static List<String> names(Kafka kafka) {
    return kafka.getSpec() == null || kafka.getSpec().getKafka() == null
        || kafka.getSpec().getKafka().getListeners() == null ? List.of()
        : kafka.getSpec().getKafka().getListeners().stream().map(GenericKafkaListener::getName).toList();
  }
}
