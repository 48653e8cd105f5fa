using Classifier.Core.IO;
using Classifier.Core.Model;

namespace Classifier.Core.Scoring;

/// <summary>A whole scoring run over files or standard streams. Immutable: derive variants with <c>with</c>.</summary>
public sealed record ScoringJobOptions
{
    public string ModelPath { get; init; } = "models/stance.zip";

    /// <summary>The CSV to score; null reads lines of text from standard input.</summary>
    public string? InputPath { get; init; }

    /// <summary>Where to write; "-" (or null) for standard output.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Where to write the malformed rows skipped (line, raw content, reason); null for nowhere.</summary>
    public string? ErrorsPath { get; init; }

    /// <summary>Allow writing over an existing output (never over the input).</summary>
    public bool Force { get; init; }

    public ScoringOptions Scoring { get; init; } = new();

    public bool WritesToStandardOutput => OutputPath is null or "-";
}

/// <summary>
/// Runs a scoring job: checks the paths before any work, loads and checks the model, streams the
/// input through <see cref="CorpusScorer"/>, and writes the output (and the errors file) through
/// temporary files renamed only on success.
/// </summary>
public static class ScoringJob
{
    public static ScoringSummary Run(ScoringJobOptions job, Func<Stream> standardOutput, Func<TextReader> standardInput, ProgressLine? progress, CancellationToken cancel)
        => Run(job, standardOutput, standardInput, progress, cancel, notes: null);

    /// <summary>As the other overload; <paramref name="notes"/> receives one-line notes (stale temporary files removed, columns of an earlier run replaced).</summary>
    public static ScoringSummary Run(ScoringJobOptions job, Func<Stream> standardOutput, Func<TextReader> standardInput, ProgressLine? progress, CancellationToken cancel, Action<string>? notes)
    {
        CheckPaths(job);
        foreach (var note in StaleTemporaryFiles.Sweep([job.WritesToStandardOutput ? null : job.OutputPath, job.ErrorsPath])) notes?.Invoke(note);
        // Whatever path a write is given, it never replaces the input or the model.
        using var inputs = SafePaths.ProtectInputs([job.InputPath, job.ModelPath]);
        var scorer = new BatchScorer(ModelStore.Load(job.ModelPath), job.Scoring.Engine);
        var engine = new CorpusScorer(scorer, job.Scoring);

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

        if (job.WritesToStandardOutput)
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
    public static void CheckPaths(ScoringJobOptions job)
    {
        var targets = new List<(string Path, string What)>();
        if (!job.WritesToStandardOutput) targets.Add((job.OutputPath!, "output"));
        if (job.ErrorsPath is not null) targets.Add((job.ErrorsPath, "errors file"));

        // Compared as files (device and inode after every link), not as names; devices and FIFOs are never replaced.
        SafePaths.Check([(job.InputPath, "input file"), (job.ModelPath, "model")], targets.Select(t => ((string?)t.Path, t.What)));
        foreach (var (path, what) in targets)
        {
            if (File.Exists(path) && !job.Force)
                throw ClassifierException.Arguments($"{path}: the {what} exists; pass --force to replace it.");
            AtomicFile.EnsureWritableFolder(path, what);
        }
        if (job.Scoring.Aggregate && !job.Scoring.Sentences)
            throw ClassifierException.Arguments("--aggregate needs --sentences (it counts the labels of each row's sentences).");
        if (job.Scoring.MinConfidence is { } min && (min < 0 || min > 1 || float.IsNaN(min)))
            throw ClassifierException.Arguments($"--min-confidence must be between 0 and 1 (got {min}).");
    }

    private static IRowSource OpenSource(ScoringJobOptions job, RowProblemLog problems, Func<TextReader> standardInput) =>
        job.InputPath is null
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
