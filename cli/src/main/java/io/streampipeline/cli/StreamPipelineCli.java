package io.streampipeline.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code streampipeline} command. Every error ends as one line on stderr and exit code 1. */
@Command(name = "streampipeline", mixinStandardHelpOptions = true, version = "streampipeline 0.1.0",
    description = "Run, validate and render StreamPipeline resources; run the operator.",
    subcommands = {RunCommand.class, ValidateCommand.class, RenderCommand.class, OperatorCommand.class,
        CommandLine.HelpCommand.class})
public final class StreamPipelineCli {

  public static final int OK = 0;
  public static final int FAILED = 1;

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line in this process, writing to {@code out} and {@code err}; returns the exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new StreamPipelineCli())
        .setOut(out)
        .setErr(err)
        .setExitCodeExceptionMapper(e -> FAILED)
        .setParameterExceptionHandler(StreamPipelineCli::badArguments)
        .setExecutionExceptionHandler(StreamPipelineCli::failed);
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    command.getErr().println("streampipeline: " + e.getMessage() + " (see '" + command.getCommandSpec().qualifiedName()
        + " --help')");
    return FAILED;
  }

  private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
    PrintWriter err = command.getErr();
    err.println("streampipeline: " + Errors.oneLine(e));
    if (Verbosity.isVerbose(parseResult)) {
      e.printStackTrace(err);
    }
    return FAILED;
  }
}
