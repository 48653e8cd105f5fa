using System.CommandLine;
using Classifier.Core;

namespace Classifier.Cli;

/// <summary>
/// What every Classifier command does around its own work: parse errors exit 2 with a hint, a
/// <see cref="ClassifierException"/> becomes one <c>error:</c> line and its exit code, never a stack trace.
/// </summary>
internal static class CommandShell
{
    /// <summary>Parses <paramref name="args"/> and runs the command's action with the given writers.</summary>
    public static int Invoke(RootCommand root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run with --help for the options.");
            return ExitCodes.BadArguments;
        }
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>
    /// The whole of a program's <c>Main</c>: installs the Ctrl-C/SIGTERM handling (exit 130/143; <paramref name="grace"/>
    /// is how long a cancelled run may take to unwind), builds the root command on the console and invokes it.
    /// </summary>
    public static int Main(string[] args, TimeSpan grace, Func<CommandContext, RootCommand> build)
    {
        using var termination = Termination.Install(grace, Console.Error);
        var context = new CommandContext(Console.Out, Console.Error, Console.In, Interactive: !Console.IsErrorRedirected, termination.Token);
        return termination.Exit(Invoke(build(context), args, context.Stdout, context.Stderr));
    }

    /// <summary>Runs a command's work, turning a user-fixable failure into its one-line error and exit code.</summary>
    /// <param name="stderr">Where the one-line error goes.</param>
    /// <param name="work">The command's work; returns its exit code.</param>
    /// <param name="writeFailure">How a failed write (full disk, closed pipe) is introduced.</param>
    public static int Guard(TextWriter stderr, Func<int> work, string writeFailure = "cannot write")
    {
        try
        {
            return work();
        }
        catch (ClassifierException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.For(e.Kind);
        }
        catch (IOException e)
        {
            // A full disk or a closed pipe on standard output: one line, not a stack trace.
            stderr.WriteLine($"error: {writeFailure}: {ClassifierException.FirstLine(e.Message)}.");
            return ExitCodes.WriteFailed;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled: no output written.");
            return ExitCodes.Cancelled;
        }
    }
}
