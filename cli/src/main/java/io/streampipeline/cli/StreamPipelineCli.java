package io.streampipeline.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code streampipeline} command. Every error ends as one line on stderr and an exit code of {@link ExitCode}.
 */
@Command(name = "streampipeline", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
    description = "Run, validate and render StreamPipeline resources; run the operator.",
    subcommands = {RunCommand.class, ValidateCommand.class, RenderCommand.class, OperatorCommand.class,
        CommandLine.HelpCommand.class})
public final class StreamPipelineCli {

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line in this process, writing to {@code out} and {@code err}; returns the exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new StreamPipelineCli())
        .setOut(out)
        .setErr(err)
        .setParameterExceptionHandler(StreamPipelineCli::badArguments)
        .setExecutionExceptionHandler(StreamPipelineCli::failed);
    documentExitCodes(commandLine);
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    command.getErr().println("streampipeline: " + e.getMessage() + " (see '" + command.getCommandSpec().qualifiedName()
        + " --help')");
    return ExitCode.USAGE.code();
  }

  private static void documentExitCodes(CommandLine command) {
    command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.table());
    command.getSubcommands().values().forEach(StreamPipelineCli::documentExitCodes);
  }

  private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
    PrintWriter err = command.getErr();
    err.println("streampipeline: " + Errors.oneLine(e));
    if (Verbosity.isVerbose(parseResult)) {
      e.printStackTrace(err);
    }
    return (e instanceof CliException cli ? cli.exitCode() : ExitCode.INTERNAL).code();
  }
}
