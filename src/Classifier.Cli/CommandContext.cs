namespace Classifier.Cli;

/// <summary>
/// What a command writes to and reads from, and when it must stop: the console in the real program,
/// string writers in tests.
/// </summary>
/// <param name="Stdout">Results (tables, reports, a scored corpus sent to '-').</param>
/// <param name="Stderr">Errors, progress and summaries.</param>
/// <param name="Stdin">Lines to score when no text or input is given.</param>
/// <param name="Interactive">True when standard error is a terminal (a progress line is drawn).</param>
/// <param name="Cancel">Signalled by Ctrl-C or SIGTERM.</param>
internal sealed record CommandContext(TextWriter Stdout, TextWriter Stderr, TextReader Stdin, bool Interactive, CancellationToken Cancel);
