package io.streampipeline.kafka.local;

/**
 * A JVM that starts a broker and then waits to be killed: {@link LocalKafkaBrokerTest} kills it hard to show
 * that its broker process does not outlive it. Prints {@code broker PID DIRECTORY} on a line of its own, then waits.
 */
public final class BrokerOwner {

  private BrokerOwner() {}

  public static void main(String[] args) throws InterruptedException {
    LocalKafkaBroker broker = LocalKafkaBroker.start();
    System.out.println("broker " + broker.pid() + " " + broker.logDir().getParent());
    System.out.flush();
    Thread.currentThread().join();
  }
}
