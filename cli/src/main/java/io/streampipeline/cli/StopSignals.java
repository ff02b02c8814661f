package io.streampipeline.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop, handled by the run itself instead of a JVM shutdown:
 * shutdown hooks run all at once (the local broker's would stop Kafka while the job still writes its last
 * transaction and savepoint). A second signal exits at once.
 */
final class StopSignals implements AutoCloseable {

  private static final List<String> SIGNALS = List.of("INT", "TERM");

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private StopSignals() {}

  /** Calls {@code onStop} on the first signal; until {@link #close()}. */
  static StopSignals install(Runnable onStop) {
    StopSignals installed = new StopSignals();
    boolean[] received = {false};
    SignalHandler handler = signal -> {
      if (received[0]) {
        System.exit(128 + signal.getNumber());
      }
      received[0] = true;
      onStop.run();
    };
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      installed.signals.add(signal);
      installed.previous.add(Signal.handle(signal, handler));
    }
    return installed;
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
