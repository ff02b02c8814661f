package io.streampipeline.plan;

/** One thing wrong with a spec or a plan, named by its field path, such as {@code spec.sources[1].topic}. */
public record Problem(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
