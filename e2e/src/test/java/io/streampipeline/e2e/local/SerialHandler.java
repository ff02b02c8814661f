package io.streampipeline.e2e.local;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * How both stand-ins react to their informer: an added or updated resource is reconciled, a deleted one is
 * cleaned up, each on the stand-in's single worker thread so that events of one resource keep their order.
 */
final class SerialHandler<T> implements ResourceEventHandler<T> {

  private final Executor worker;
  private final Consumer<T> changed;
  private final Consumer<T> deleted;

  SerialHandler(Executor worker, Consumer<T> changed, Consumer<T> deleted) {
    this.worker = worker;
    this.changed = changed;
    this.deleted = deleted;
  }

  @Override
  public void onAdd(T resource) {
    worker.execute(() -> changed.accept(resource));
  }

  @Override
  public void onUpdate(T before, T resource) {
    worker.execute(() -> changed.accept(resource));
  }

  @Override
  public void onDelete(T resource, boolean finalStateUnknown) {
    worker.execute(() -> deleted.accept(resource));
  }
}
