using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Quantification;

namespace Classifier.Core.Scoring;

/// <summary>A whole scoring run over files or standard streams. Immutable: derive variants with <c>with</c>.</summary>
public sealed record ScoringJobOptions
{
    /// <summary>The model zip to score with.</summary>
    public string ModelPath { get; init; } = "models/stance.zip";

    /// <summary>The CSV to score; null reads lines of text from standard input.</summary>
    public string? InputPath { get; init; }

    /// <summary>Where to write; "-" (or null) for standard output.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Where to write the malformed rows skipped (line, raw content, reason); null for nowhere.</summary>
    public string? ErrorsPath { get; init; }

    /// <summary>Allow writing over an existing output (never over the input).</summary>
    public bool Force { get; init; }

    /// <summary>How each row is scored and written.</summary>
    public ScoringOptions Scoring { get; init; } = new();

    /// <summary>Opens the input when it is not CSV (e.g. Parquet, from Classifier.Parquet); null reads <see cref="InputPath"/> as CSV.</summary>
    internal Func<RowProblemLog, IRowSource>? OpenInput { get; init; }

    /// <summary>Where to write the share estimates (CSV); null for none. Needs a model card with quantification statistics.</summary>
    public string? SharesPath { get; init; }

    /// <summary>A labeled CSV sampled from the corpus whose rows' error rates replace the card's; null to use the card.</summary>
    public string? CalibrationPath { get; init; }

    /// <summary>The label column of <see cref="CalibrationPath"/> (its text column is the corpus's).</summary>
    public string CalibrationLabelColumn { get; init; } = "label";

    /// <summary>How the shares are estimated.</summary>
    public ShareOptions Shares { get; init; } = new();

    /// <summary>How the texts are split into groups for the shares.</summary>
    public ShareGrouping ShareGrouping { get; init; } = new();

    /// <summary>True when a CSV is scored for its shares alone: no --output, so the scored rows go nowhere.</summary>
    public bool DiscardsOutput => OutputPath is null && SharesPath is not null && InputPath is not null;

    /// <summary>Whether the output goes to standard output rather than a file.</summary>
    public bool WritesToStandardOutput => !DiscardsOutput && OutputPath is null or "-";
}

/// <summary>
/// Runs a scoring job: checks the paths before any work, loads and checks the model, streams the
/// input through <see cref="CorpusScorer"/>, and writes the output (and the errors file) through
/// temporary files renamed only on success.
/// </summary>
public static class ScoringJob
{
    /// <summary>
    /// Runs the job to the end. Nothing is written to <see cref="ScoringJobOptions.OutputPath"/> unless the
    /// whole run succeeds; an existing output is kept unless <see cref="ScoringJobOptions.Force"/> is set.
    /// </summary>
    /// <param name="job">What to score, with what, and where to write.</param>
    /// <param name="standardOutput">Opens standard output, for an output of "-" or null.</param>
    /// <param name="standardInput">Opens standard input, for a null input path (one text per line).</param>
    /// <param name="progress">A progress line to update, or null.</param>
    /// <param name="cancel">Stops the run; then no output file is left.</param>
    /// <returns>Counts of what was read, scored and skipped.</returns>
    /// <exception cref="ClassifierException">A bad path, model or input row (with the file, row and column).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public static ScoringSummary Run(ScoringJobOptions job, Func<Stream> standardOutput, Func<TextReader> standardInput, ProgressLine? progress, CancellationToken cancel)
        => Run(job, standardOutput, standardInput, progress, cancel, notes: null);

    /// <summary>As the other overload; <paramref name="notes"/> receives one-line notes (stale temporary files removed, columns of an earlier run replaced).</summary>
    public static ScoringSummary Run(ScoringJobOptions job, Func<Stream> standardOutput, Func<TextReader> standardInput, ProgressLine? progress, CancellationToken cancel, Action<string>? notes)
    {
        CheckPaths(job);
        foreach (var note in StaleTemporaryFiles.Sweep([job.WritesToStandardOutput || job.DiscardsOutput ? null : job.OutputPath, job.ErrorsPath, job.SharesPath])) notes?.Invoke(note);
        // Whatever path a write is given, it never replaces the input, the model or the calibration file.
        using var inputs = SafePaths.ProtectInputs([job.InputPath, job.ModelPath, job.CalibrationPath]);
        var model = ModelStore.Load(job.ModelPath);
        // Checked before any text is scored: a card without the statistics fails now, in one line.
        var cardStats = ShareRun.CardStats(job);
        var scorer = new BatchScorer(model, job.Scoring.Engine);
        var shares = ShareRun.Collector(job, model.Labels, scorer, cardStats);
        var engine = new CorpusScorer(scorer, job.Scoring) { Sink = shares };

        ScoringSummary? summary = null;
        void Score(Stream output, IRecordWriter? errorWriter)
        {
            var problems = new RowProblemLog(errorWriter);
            using var opened = OpenSource(job, problems, standardInput);
            // Re-scoring a scored file: this run's columns replace the earlier run's rather than appearing twice.
            var source = EarlierRunColumns.Drop(opened, engine.OutputColumns([]), notes);
            if (source.Next() is not { } first)
            {
                var why = job.InputPath is null ? "no lines were read"
                    : problems.Count > 0 ? $"all {problems.Count} data rows are malformed" : "it has a header but no data rows";
                var empty = ClassifierException.Input($"{source.Name}: no rows to score: {why}{(problems.Count > 0 && job.ErrorsPath is not null ? $" (they are listed in {job.ErrorsPath})" : "")}.");
                if (problems.Count > 0 && errorWriter is not null) throw new KeepErrors(empty, problems);
                throw empty;
            }
            summary = engine.Score(new FirstRowAgain(source, first), output, problems, progress, cancel);
            problems.Complete();
            if (shares is not null) summary = ShareRun.WriteFile(job, shares, summary);
        }

        void WithErrors(Stream output)
        {
            if (job.ErrorsPath is null)
            {
                Score(output, null);
                return;
            }
            ClassifierException? failure = null;
            AtomicFile.Write(job.ErrorsPath, errors =>
            {
                using var errorWriter = new CsvOutputWriter(errors, excelSafe: job.Scoring.ExcelSafe);
                try
                {
                    Score(output, errorWriter);
                }
                catch (KeepErrors keep)
                {
                    // Every row was malformed: the errors file is what the user needs, so it is kept; no output is.
                    keep.Problems.Complete();
                    failure = keep.Failure;
                }
            });
            if (failure is not null) throw failure;
        }

        if (job.DiscardsOutput)
        {
            WithErrors(Stream.Null);
        }
        else if (job.WritesToStandardOutput)
        {
            var stdout = standardOutput();
            WithErrors(stdout);
            stdout.Flush();
        }
        else
        {
            AtomicFile.Write(job.OutputPath!, WithErrors);
        }
        return summary!;
    }

    /// <summary>Refuses, before reading anything, to write over the input or (without force) an existing file.</summary>
    internal static void CheckPaths(ScoringJobOptions job)
    {
        var targets = new List<(string Path, string What)>();
        if (!job.WritesToStandardOutput && !job.DiscardsOutput) targets.Add((job.OutputPath!, "output"));
        if (job.ErrorsPath is not null) targets.Add((job.ErrorsPath, "errors file"));
        if (job.SharesPath is not null) targets.Add((job.SharesPath, "shares file"));

        // Compared as files (device and inode after every link), not as names; devices and FIFOs are never replaced.
        SafePaths.Check([(job.InputPath, "input file"), (job.ModelPath, "model")], targets.Select(t => ((string?)t.Path, t.What)));
        foreach (var (path, what) in targets)
        {
            if (File.Exists(path) && !job.Force)
                throw ClassifierException.Arguments($"{path}: the {what} exists; pass --force to replace it.");
            AtomicFile.EnsureWritableFolder(path, what);
        }
        if (job.SharesPath is not null)
        {
            if (job.InputPath is null) throw ClassifierException.Arguments("--shares needs --input CORPUS.csv.");
            if (job.CalibrationPath is not null && job.InputPath is not null
                && FileIdentity.Of(job.CalibrationPath) is { } calibration && FileIdentity.Of(job.InputPath) is { } corpus && calibration.SameFileAs(corpus))
                throw ClassifierException.Arguments($"{job.CalibrationPath}: the calibration file is the corpus; measure the error rates on labeled rows set apart from it.");
            job.Shares.Checked();
        }
        if (job.Scoring.Aggregate && !job.Scoring.Sentences)
            throw ClassifierException.Arguments("--aggregate needs --sentences (it counts the labels of each row's sentences).");
        if (job.Scoring.MinConfidence is { } min && (min < 0 || min > 1 || float.IsNaN(min)))
            throw ClassifierException.Arguments($"--min-confidence must be between 0 and 1 (got {min}).");
    }

    private static IRowSource OpenSource(ScoringJobOptions job, RowProblemLog problems, Func<TextReader> standardInput) =>
        job.OpenInput is not null ? job.OpenInput(problems)
        : job.InputPath is null
            ? new LineRowSource("standard input", standardInput())
            : CsvRowSource.Open(job.InputPath, job.Scoring.TextColumn, job.Scoring.Strict, problems.Add);

    /// <summary>Carries the no-rows failure out of the errors file's writer, which then keeps the file.</summary>
    private sealed class KeepErrors(ClassifierException failure, RowProblemLog problems) : Exception(failure.Message)
    {
        public ClassifierException Failure { get; } = failure;

        public RowProblemLog Problems { get; } = problems;
    }

    /// <summary>Hands back a row already read (to detect a header-only file) before the rest.</summary>
    private sealed class FirstRowAgain(IRowSource inner, SourceRow first) : IRowSource
    {
        private SourceRow? pending = first;

        public string Name => inner.Name;

        public IReadOnlyList<string> Columns => inner.Columns;

        public int TextIndex => inner.TextIndex;

        public long Position => inner.Position;

        public long? Length => inner.Length;

        public SourceRow? Next()
        {
            if (pending is null) return inner.Next();
            var row = pending;
            pending = null;
            return row;
        }

        public void Dispose()
        {
        }
    }
}
