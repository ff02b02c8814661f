package io.streampipeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Runs the command line in this JVM and keeps what it printed. */
final class Cli {

  static final Path EXAMPLES = Path.of("..", "deploy", "examples");

  record Result(int exitCode, String out, String err) {

    List<String> outLines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\R"));
    }

    List<String> errLines() {
      return err.isEmpty() ? List.of() : Arrays.asList(err.split("\\R"));
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  static Result run(Object... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] strings = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
    int code = StreamPipelineCli.execute(strings, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  static Path example(String name, String file) {
    return EXAMPLES.resolve(name).resolve(file);
  }
}
