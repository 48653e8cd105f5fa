using System.CommandLine;
using System.Text;
using Classifier.Core;
using Classifier.Core.Model;
using Classifier.Core.Scoring;

namespace Classifier.Scoring;

/// <summary>The scoring command: a thin shell that turns arguments into a <see cref="ScoringJob"/> (or a table for --text).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C stops cleanly (the temporary output is deleted); a second one kills.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };
        return Run(args, Console.Out, Console.Error, Console.In, interactive: !Console.IsErrorRedirected, cancel.Token);
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null, bool interactive = false, CancellationToken cancel = default)
    {
        var defaults = new ScoringJobOptions();
        var model = new Option<string>("--model") { Description = "The model zip to score with.", DefaultValueFactory = _ => defaults.ModelPath };
        var text = new Option<string[]>("--text") { Description = "A text to score (repeatable); prints a table. Without --text or --input, lines are read from standard input." };
        var input = new Option<string?>("--input") { Description = "A CSV corpus to score (streamed: any size)." };
        var output = new Option<string?>("--output") { Description = "Where to write the scored corpus; '-' for standard output. Required with --input." };
        var textColumn = new Option<string>("--text-column") { Description = "Name of the text column of --input.", DefaultValueFactory = _ => defaults.Scoring.TextColumn };
        var format = new Option<string>("--format") { Description = "Output format: csv or jsonl.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var sentences = new Option<bool>("--sentences") { Description = "Split each row's text into sentences and score each: one row per sentence, the text column holding the sentence, plus sentence_index (1-based)." };
        var aggregate = new Option<bool>("--aggregate") { Description = "With --sentences: one row per input row with the count (n_<label>) and share (share_<label>) of each label among its sentences." };
        var minConfidence = new Option<float?>("--min-confidence") { Description = "Below this confidence (0-1) the label is 'uncertain'; probabilities are still written." };
        var errors = new Option<string?>("--errors") { Description = "Write the malformed rows skipped to this CSV (line, raw, reason)." };
        var strict = new Option<bool>("--strict") { Description = "Stop at the first malformed row instead of skipping and counting it." };
        var force = new Option<bool>("--force") { Description = "Replace an existing output (never the input)." };
        var excelSafe = new Option<bool>("--excel-safe") { Description = "Prefix text cells starting with =, +, - or @ with ' so spreadsheets do not run them as formulas." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress line and no summary on standard error." };
        var threads = new Option<int>("--threads") { Description = "Batches scored at once (default: the number of cores).", DefaultValueFactory = _ => defaults.Scoring.Threads };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per model.Transform batch.", DefaultValueFactory = _ => defaults.Scoring.BatchSize };

        var root = new RootCommand("Score text with a saved stance model: single texts (--text), lines on standard input, or a CSV corpus (--input/--output).")
        {
            model, text, input, output, textColumn, format, sentences, aggregate, minConfidence, errors, strict, force, excelSafe, quiet, threads, batchSize,
        };

        root.SetAction(parse =>
        {
            try
            {
                var scoring = new ScoringOptions
                {
                    TextColumn = parse.GetValue(textColumn)!,
                    Format = parse.GetValue(format) == "jsonl" ? OutputFormat.Jsonl : OutputFormat.Csv,
                    Sentences = parse.GetValue(sentences),
                    Aggregate = parse.GetValue(aggregate),
                    MinConfidence = parse.GetValue(minConfidence),
                    Strict = parse.GetValue(strict),
                    ExcelSafe = parse.GetValue(excelSafe),
                    Threads = Positive(parse.GetValue(threads), "--threads"),
                    BatchSize = Positive(parse.GetValue(batchSize), "--batch-size"),
                };
                var job = new ScoringJobOptions
                {
                    ModelPath = parse.GetValue(model)!,
                    InputPath = parse.GetValue(input),
                    OutputPath = parse.GetValue(output),
                    ErrorsPath = parse.GetValue(errors),
                    Force = parse.GetValue(force),
                    Scoring = scoring,
                };

                var texts = parse.GetValue(text) ?? [];
                if (texts.Length > 0)
                {
                    if (job.InputPath is not null) throw ClassifierException.Arguments("--text and --input cannot be used together.");
                    ScoreTexts(job, texts, stdout);
                    return ExitCodes.Success;
                }
                if (job.InputPath is not null && job.OutputPath is null)
                    throw ClassifierException.Arguments("--input needs --output FILE (or --output - for standard output).");

                var quietRun = parse.GetValue(quiet);
                var summary = RunJob(job, stdout, stdin ?? Console.In, interactive && !quietRun ? new ProgressLine(stderr) : null, cancel);
                if (!quietRun) stderr.WriteLine(summary.ToTable(scoring.Sentences));
                return ExitCodes.Success;
            }
            catch (ClassifierException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitCodes.For(e.Kind);
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine("cancelled: no output written.");
                return ExitCodes.Cancelled;
            }
        });

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run with --help for the options.");
            return ExitCodes.BadArguments;
        }
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static void ScoreTexts(ScoringJobOptions job, string[] texts, TextWriter stdout)
    {
        if (job.Scoring.MinConfidence is { } min && (min < 0 || min > 1))
            throw ClassifierException.Arguments($"--min-confidence must be between 0 and 1 (got {min}).");
        var scorer = new BatchScorer(ModelStore.Load(job.ModelPath));
        stdout.WriteLine(PredictionTable.Render(texts, scorer, job.Scoring.MinConfidence));
    }

    private static ScoringSummary RunJob(ScoringJobOptions job, TextWriter stdout, TextReader stdin, ProgressLine? progress, CancellationToken cancel)
    {
        // The real console gets the raw stream; an in-process caller's writer gets the text at the end.
        if (ReferenceEquals(stdout, Console.Out))
            return ScoringJob.Run(job, Console.OpenStandardOutput, () => stdin, progress, cancel);

        using var buffer = new MemoryStream();
        var summary = ScoringJob.Run(job, () => buffer, () => stdin, progress, cancel);
        stdout.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        stdout.Flush();
        return summary;
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw ClassifierException.Arguments($"{option} must be positive (got {value}).");
}
