package io.streampipeline.plan;

import java.util.List;
import java.util.stream.Collectors;

/** A spec or plan that cannot be run, with every problem found in it. */
public class InvalidPlanException extends IllegalArgumentException {

  private final List<Problem> problems;

  public InvalidPlanException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  public InvalidPlanException(String field, String message) {
    this(List.of(new Problem(field, message)));
  }

  public List<Problem> problems() {
    return problems;
  }
}
