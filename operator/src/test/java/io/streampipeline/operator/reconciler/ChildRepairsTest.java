package io.streampipeline.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChildRepairsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ChildRepairs repairs = new ChildRepairs();

  @Test
  void aFirstWriteAndASpecChangeAreNeverRepairsAndNeverHeldBack() {
    assertThat(write(child("a"), T0)).isEqualTo(new ChildRepairs.Write(false));
    repair(child("a"), T0.plusSeconds(1));
    repair(child("a"), T0.plusSeconds(2));
    assertThat(repairs.decide(child("b"), child("x"), T0.plusSeconds(3))).as("the spec changed")
        .isEqualTo(new ChildRepairs.Write(false));
  }

  @Test
  void twoRepairsAtOnceThenOnePerBackOffThatDoubles() {
    write(child("a"), T0);
    repair(child("a"), T0.plusSeconds(1));
    repair(child("a"), T0.plusSeconds(2));
    Instant firstBackOff = T0.plusSeconds(2).plus(ChildRepairs.FIRST_BACKOFF);
    assertThat(repairs.decide(child("a"), changedBy("fighter"), T0.plusSeconds(3)))
        .isEqualTo(new ChildRepairs.HoldBack(firstBackOff, 2, Optional.of("fighter")));

    repair(child("a"), firstBackOff);
    Instant secondBackOff = firstBackOff.plus(ChildRepairs.FIRST_BACKOFF.multipliedBy(2));
    assertThat(repairs.decide(child("a"), null, firstBackOff.plusSeconds(1)))
        .isEqualTo(new ChildRepairs.HoldBack(secondBackOff, 3, Optional.empty()));
    assertThat(repairs.decide(child("a"), null, secondBackOff)).isEqualTo(new ChildRepairs.Write(true));
  }

  @Test
  void repairsOlderThanTheWindowNoLongerCount() {
    write(child("a"), T0);
    repair(child("a"), T0.plusSeconds(1));
    repair(child("a"), T0.plusSeconds(2));
    Instant later = T0.plusSeconds(3).plus(ChildRepairs.WINDOW);
    assertThat(repairs.decide(child("a"), null, later)).isEqualTo(new ChildRepairs.Write(true));
  }

  @Test
  void theBackOffStopsAtItsMaximum() {
    write(child("a"), T0);
    Instant now = T0;
    Duration backOff = Duration.ZERO;
    for (int i = 0; i < 12; i++) {
      now = now.plus(backOff).plusSeconds(1);
      repair(child("a"), now);
      ChildRepairs.Decision next = repairs.decide(child("a"), null, now);
      backOff = next instanceof ChildRepairs.HoldBack hold ? Duration.between(now, hold.until()) : Duration.ZERO;
    }
    assertThat(backOff).isEqualTo(ChildRepairs.MAX_BACKOFF);
  }

  private ChildRepairs.Write write(ConfigMap child, Instant now) {
    ChildRepairs.Decision decision = repairs.decide(child, null, now);
    assertThat(decision).isInstanceOf(ChildRepairs.Write.class);
    repairs.written(child, (ChildRepairs.Write) decision, now);
    return (ChildRepairs.Write) decision;
  }

  private void repair(ConfigMap child, Instant now) {
    assertThat(write(child, now)).as("a repair at %s", now).isEqualTo(new ChildRepairs.Write(true));
  }

  private static ConfigMap child(String value) {
    return new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("ns").endMetadata()
        .addToData("k", value).build();
  }

  private static ConfigMap changedBy(String manager) {
    ConfigMap changed = child("x");
    changed.getMetadata().setManagedFields(java.util.List.of(
        new ManagedFieldsEntryBuilder().withManager(FieldManager.NAME).withTime("2026-01-01T00:00:01Z").build(),
        new ManagedFieldsEntryBuilder().withManager(manager).withTime("2026-01-01T00:00:02Z").build()));
    return changed;
  }
}
