using Classifier.Cli;
using Classifier.Training.Commands;

namespace Classifier.Training;

/// <summary>The training program: builds <see cref="TrainCommand"/> (with its subcommands) and invokes it.</summary>
public static class Program
{
    /// <summary>
    /// A fit cannot be cancelled midway: on SIGTERM (143) or Ctrl-C (130) the temporary files are removed
    /// at once (never in the middle of the model and card commit) and the process exits.
    /// </summary>
    public static int Main(string[] args) => CommandShell.Main(args, TimeSpan.Zero, context => new TrainCommand(context));

    /// <summary>Runs the program in-process with the given writers (what the tests call).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        CommandShell.Invoke(new TrainCommand(new CommandContext(stdout, stderr, TextReader.Null, Interactive: false, CancellationToken.None)), args, stdout, stderr);
}
