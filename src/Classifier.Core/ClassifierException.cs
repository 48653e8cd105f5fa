namespace Classifier.Core;

/// <summary>What went wrong, so each program can map it to its own exit code.</summary>
public enum FailureKind
{
    BadArguments,
    BadInput,
    BadModel,

    /// <summary>An output could not be written (disk full, I/O error); what was there before is kept.</summary>
    WriteFailed,
}

/// <summary>
/// A failure the user can fix: the message is one line that names the file (and row and column
/// where there is one). Programs print it without a stack trace.
/// </summary>
public sealed class ClassifierException(FailureKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public FailureKind Kind { get; } = kind;

    public static ClassifierException Input(string message, Exception? inner = null) => new(FailureKind.BadInput, message, inner);

    public static ClassifierException Arguments(string message) => new(FailureKind.BadArguments, message);

    public static ClassifierException Model(string message, Exception? inner = null) => new(FailureKind.BadModel, message, inner);

    /// <summary>An output could not be written: the message names the file and the system's reason.</summary>
    public static ClassifierException Write(string message, Exception? inner = null) => new(FailureKind.WriteFailed, message, inner);

    /// <summary>The first line of a library's message, trimmed: our errors are one line.</summary>
    public static string FirstLine(string message)
    {
        var cut = message.IndexOfAny(['\r', '\n']);
        return (cut < 0 ? message : message[..cut]).Trim();
    }
}

/// <summary>The exit codes every Classifier program uses.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int BadArguments = 2;
    public const int BadInput = 3;
    public const int BadModel = 4;
    public const int Cancelled = 130;

    /// <summary>An output could not be written (disk full, I/O error).</summary>
    public const int WriteFailed = 1;

    /// <summary>Stopped by SIGTERM (128 + 15, as shells report it): temporary output removed.</summary>
    public const int Terminated = 143;

    public static int For(FailureKind kind) => kind switch
    {
        FailureKind.BadArguments => BadArguments,
        FailureKind.BadInput => BadInput,
        FailureKind.BadModel => BadModel,
        FailureKind.WriteFailed => WriteFailed,
        _ => 1,
    };
}
