package io.streampipeline.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often the operator may put back a child that someone else changed or deleted, so that a fight (a person, a
 * GitOps tool holding its own copy, another controller defaulting a field) never becomes a hot loop of writes.
 *
 * <p>A write is a repair when what the operator wants of the child is what it last wrote: the child moved, not the
 * spec. The first {@value #FREE_REPAIRS} repairs of a child within {@link #WINDOW} happen at once (a slip, an edit
 * made twice); after that one more is allowed per back-off, which doubles from {@link #FIRST_BACKOFF} up to
 * {@link #MAX_BACKOFF}, so that a fight costs a handful of writes per child per window however fast the other side
 * writes (each repair also brings the status and event that the child's change itself causes). A write because the
 * spec changed is never held back, and resets the child's history. The history lives in memory: a restarted
 * operator starts over, which costs at most {@value #FREE_REPAIRS} more writes.
 */
final class ChildRepairs {

  static final int FREE_REPAIRS = 2;
  /** Longer than the longest back-off, so that a fight that goes on never starts over with free repairs. */
  static final Duration WINDOW = Duration.ofMinutes(30);
  static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(16);
  /** Children not written for this long are forgotten (their pipeline was deleted, or they are settled). */
  private static final Duration FORGET_AFTER = WINDOW.plus(MAX_BACKOFF);

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** What to do about a child that differs from the spec. */
  sealed interface Decision {}

  /** Write it now; {@code repair} when the spec did not change since the last write. */
  record Write(boolean repair) implements Decision {}

  /**
   * Leave it until {@code until}: it was repaired {@code repairs} times within the window, and was last changed by
   * {@code changedBy} (the field manager, when the API server recorded one).
   */
  record HoldBack(Instant until, int repairs, Optional<String> changedBy) implements Decision {}

  private record Key(String kind, String namespace, String name) {}

  private static final class History {
    String desired;
    Instant lastWrite;
    final Deque<Instant> repairs = new ArrayDeque<>();
    Duration backoff = Duration.ZERO;
    Instant next = Instant.MIN;
  }

  private final Map<Key, History> histories = new ConcurrentHashMap<>();

  /**
   * @param desired what the operator wants the child to be (labels, owners and spec are compared)
   * @param actual the child as the cluster has it; null when it does not exist
   */
  Decision decide(HasMetadata desired, HasMetadata actual, Instant now) {
    History history = histories.get(key(desired));
    if (history == null) {
      return new Write(false);
    }
    synchronized (history) {
      if (!fingerprint(desired).equals(history.desired)) {
        return new Write(false);
      }
      prune(history, now);
      if (history.repairs.size() < FREE_REPAIRS || !now.isBefore(history.next)) {
        return new Write(true);
      }
      return new HoldBack(history.next, history.repairs.size(), lastChangedBy(actual));
    }
  }

  /**
   * Whether {@code desired} is what this operator last wrote for its child: then a difference from the child is
   * someone else's change, to be repaired, not a change of the spec.
   */
  boolean isLastWritten(HasMetadata desired) {
    History history = histories.get(key(desired));
    if (history == null) {
      return false;
    }
    synchronized (history) {
      return fingerprint(desired).equals(history.desired);
    }
  }

  /** Records that {@code desired} was written as {@code decision} said. */
  void written(HasMetadata desired, Write decision, Instant now) {
    forgetStale(now);
    History history = histories.computeIfAbsent(key(desired), k -> new History());
    synchronized (history) {
      history.desired = fingerprint(desired);
      history.lastWrite = now;
      if (!decision.repair()) {
        history.repairs.clear();
        history.backoff = Duration.ZERO;
        history.next = Instant.MIN;
        return;
      }
      prune(history, now);
      history.repairs.addLast(now);
      if (history.repairs.size() >= FREE_REPAIRS) {
        history.backoff = history.backoff.isZero() ? FIRST_BACKOFF
            : min(history.backoff.multipliedBy(2), MAX_BACKOFF);
        history.next = now.plus(history.backoff);
      }
    }
  }

  private static void prune(History history, Instant now) {
    while (!history.repairs.isEmpty() && history.repairs.peekFirst().isBefore(now.minus(WINDOW))) {
      history.repairs.removeFirst();
    }
    if (history.repairs.isEmpty()) {
      history.backoff = Duration.ZERO;
    }
  }

  private void forgetStale(Instant now) {
    histories.values().removeIf(h -> {
      synchronized (h) {
        return h.lastWrite != null && h.lastWrite.isBefore(now.minus(FORGET_AFTER));
      }
    });
  }

  /** The field manager of the latest change by anyone but this operator, if the API server recorded it. */
  private static Optional<String> lastChangedBy(HasMetadata actual) {
    if (actual == null || actual.getMetadata().getManagedFields() == null) {
      return Optional.empty();
    }
    return actual.getMetadata().getManagedFields().stream()
        .filter(m -> m.getManager() != null && !FieldManager.NAME.equals(m.getManager()) && m.getTime() != null
            && (m.getSubresource() == null || m.getSubresource().isEmpty()))
        .max(Comparator.comparing(ManagedFieldsEntry::getTime))
        .map(ManagedFieldsEntry::getManager);
  }

  /** A child left as it is for now: why (for the pipeline's status), and until when. */
  record HeldBack(String message, Instant until) {}

  /** Why {@code child} is left as it is for now, for the pipeline's status. */
  static HeldBack heldBack(HasMetadata child, HoldBack hold) {
    return new HeldBack(child.getKind() + " " + child.getMetadata().getName() + " was changed or deleted behind the operator's back"
        + hold.changedBy().map(manager -> " (last by " + manager + ")").orElse("") + " and put back " + hold.repairs()
        + " times in " + WINDOW.toMinutes() + " minutes; it is put back again at " + hold.until()
        + " unless the spec changes first: stop whatever keeps changing it", hold.until());
  }

  private static Key key(HasMetadata child) {
    return new Key(child.getKind(), child.getMetadata().getNamespace(), child.getMetadata().getName());
  }

  private static String fingerprint(HasMetadata desired) {
    return SERIALIZATION.asJson(desired);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
