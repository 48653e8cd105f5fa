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

    /// <summary>Opens the input when it is not CSV (e.g. Parquet, from Classifier.Parquet); null reads <see cref="InputPath"/> as CSV.</summary>
    public Func<RowProblemLog, IRowSource>? OpenInput { get; init; }

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
    {
        CheckPaths(job);
        var scorer = new BatchScorer(ModelStore.Load(job.ModelPath), job.Scoring.Engine);
        var engine = new CorpusScorer(scorer, job.Scoring);

        ScoringSummary? summary = null;
        void Score(Stream output, IRecordWriter? errorWriter)
        {
            var problems = new RowProblemLog(errorWriter);
            using var source = OpenSource(job, problems, standardInput);
            if (source.Next() is not { } first)
            {
                var why = job.InputPath is null ? "no lines were read"
                    : problems.Count > 0 ? $"all {problems.Count} data rows are malformed" : "it has a header but no data rows";
                throw ClassifierException.Input($"{source.Name}: no rows to score: {why}.");
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
            AtomicFile.Write(job.ErrorsPath, errors =>
            {
                using var errorWriter = new CsvOutputWriter(errors, excelSafe: job.Scoring.ExcelSafe);
                Score(output, errorWriter);
            });
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

        var input = job.InputPath is null ? null : FullPath(job.InputPath);
        foreach (var (path, what) in targets)
        {
            var full = FullPath(path);
            if (input is not null && string.Equals(full, input, StringComparison.Ordinal))
                throw ClassifierException.Arguments($"{path}: the {what} is the input file; refusing to write over it.");
            if (File.Exists(full) && !job.Force)
                throw ClassifierException.Arguments($"{path}: the {what} exists; pass --force to replace it.");
            AtomicFile.EnsureWritableFolder(path, what);
        }
        if (targets.Count == 2 && FullPath(targets[0].Path) == FullPath(targets[1].Path))
            throw ClassifierException.Arguments($"{job.ErrorsPath}: the errors file and the output are the same file.");
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

    /// <summary>Resolves symbolic links too, so a link to the input is still the input.</summary>
    private static string FullPath(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) return target.FullName;
        }
        catch (IOException)
        {
        }
        return full;
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
