using Classifier.Cli;
using Classifier.Scoring.Commands;

namespace Classifier.Scoring;

/// <summary>The scoring program: builds <see cref="ScoreCommand"/> (with its subcommands) and invokes it.</summary>
public static class Program
{
    /// <summary>Largest accepted --batch-size: a batch's arrays are allocated up front.</summary>
    public const int MaxBatchSize = 1 << 20;

    /// <summary>Largest accepted --threads (lanes in flight).</summary>
    public const int MaxThreads = 1024;

    /// <summary>Ctrl-C and SIGTERM stop cleanly (the temporary output is deleted): exit 130 and 143; a second signal stops at once.</summary>
    public static int Main(string[] args) => CommandShell.Main(args, TimeSpan.FromSeconds(5), context => new ScoreCommand(context));

    /// <summary>Runs the program in-process with the given writers (what the tests call).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null, bool interactive = false, CancellationToken cancel = default) =>
        CommandShell.Invoke(new ScoreCommand(new CommandContext(stdout, stderr, stdin ?? Console.In, interactive, cancel)), args, stdout, stderr);
}
