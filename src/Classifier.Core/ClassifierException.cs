namespace Classifier.Core;

/// <summary>What went wrong, so each program can map it to its own exit code.</summary>
public enum FailureKind
{
    /// <summary>The caller asked for something impossible or contradictory (an option, a path).</summary>
    BadArguments,
    /// <summary>An input file is missing or malformed; the message names the file, and the row and column where there is one.</summary>
    BadInput,
    /// <summary>A model zip is missing, unreadable or not a text classifier, or needs a package the app does not reference.</summary>
    BadModel,

    /// <summary>An output could not be written (disk full, I/O error); what was there before is kept.</summary>
    WriteFailed,
}

/// <summary>
/// A failure the user can fix: the message is one line that names the file (and row and column
/// where there is one). Programs print it without a stack trace.
/// </summary>
/// <param name="kind">Which kind of failure this is.</param>
/// <param name="message">One line saying what is wrong and where (file, row, column).</param>
/// <param name="inner">The library error behind it, kept for logs; never shown to the user.</param>
public sealed class ClassifierException(FailureKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Which kind of failure this is; <see cref="ExitCodes.For"/> maps it to a program's exit code.</summary>
    public FailureKind Kind { get; } = kind;

    internal static ClassifierException Input(string message, Exception? inner = null) => new(FailureKind.BadInput, message, inner);

    internal static ClassifierException Arguments(string message) => new(FailureKind.BadArguments, message);

    internal static ClassifierException Model(string message, Exception? inner = null) => new(FailureKind.BadModel, message, inner);

    /// <summary>An output could not be written: the message names the file and the system's reason.</summary>
    public static ClassifierException Write(string message, Exception? inner = null) => new(FailureKind.WriteFailed, message, inner);

    /// <summary>The first line of a library's message, trimmed: our errors are one line.</summary>
    internal static string FirstLine(string message)
    {
        var cut = message.IndexOfAny(['\r', '\n']);
        return (cut < 0 ? message : message[..cut]).Trim();
    }
}

/// <summary>The exit codes every Classifier program uses.</summary>
public static class ExitCodes
{
    /// <summary>The run did what was asked.</summary>
    public const int Success = 0;
    /// <summary>Bad or contradictory arguments (<see cref="FailureKind.BadArguments"/>).</summary>
    public const int BadArguments = 2;
    /// <summary>An input file is missing or malformed (<see cref="FailureKind.BadInput"/>).</summary>
    public const int BadInput = 3;
    /// <summary>The model cannot be used (<see cref="FailureKind.BadModel"/>).</summary>
    public const int BadModel = 4;
    /// <summary>Interrupted (Ctrl+C); no partial output is left behind. 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;

    /// <summary>An output could not be written (disk full, I/O error).</summary>
    public const int WriteFailed = 1;

    /// <summary>Stopped by SIGTERM (128 + 15, as shells report it): temporary output removed.</summary>
    public const int Terminated = 143;

    /// <summary>The exit code a program returns for a <see cref="ClassifierException"/> of this kind (1 for a kind this version does not know).</summary>
    public static int For(FailureKind kind) => kind switch
    {
        FailureKind.BadArguments => BadArguments,
        FailureKind.BadInput => BadInput,
        FailureKind.BadModel => BadModel,
        FailureKind.WriteFailed => WriteFailed,
        _ => 1,
    };
}
