package io.streampipeline.job;

/** A source record that could not be read, and why. A Flink POJO. */
public class DeadLetter {

  public SourceRecord record;
  public String error;

  public DeadLetter() {}

  public DeadLetter(SourceRecord record, String error) {
    this.record = record;
    this.error = error;
  }
}
