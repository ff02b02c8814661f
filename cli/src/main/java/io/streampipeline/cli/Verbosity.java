package io.streampipeline.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --verbose}: logs of Kafka, Flink and the operator on stderr, and stack traces with errors. */
public final class Verbosity {

  private static final String OPTION = "--verbose";

  @Option(names = {"-v", OPTION}, description = "Log what Kafka, Flink and the operator do; print stack traces.")
  private boolean verbose;

  /** Sets the log level for this command: errors only, or everything from INFO with {@code --verbose}. */
  void applyLogLevel() {
    Configurator.setRootLevel(verbose ? Level.INFO : Level.ERROR);
  }

  static boolean isVerbose(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult command = parseResult;
    while (command.hasSubcommand()) {
      command = command.subcommand();
    }
    return command.hasMatchedOption(OPTION);
  }
}
