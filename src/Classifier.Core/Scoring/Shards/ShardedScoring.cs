using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Quantification;

namespace Classifier.Core.Scoring.Shards;

/// <summary>What a shard run did: its manifest, and whether it was skipped because the same work was already done.</summary>
internal sealed record ShardOutcome(ShardManifest Manifest, ScoringSummary? Summary, string? SkipReason)
{
    /// <summary>True when the part and manifest of an earlier run were kept.</summary>
    public bool Skipped => SkipReason is not null;
}

/// <summary>
/// Runs one shard of a CSV or JSON-lines scoring job: the shard's rows go through the same
/// <see cref="CorpusScorer"/> as a single run, into <c>OUTPUT.part-I-of-N</c> (atomically, header
/// included, so each part is a valid file of its own), then the manifest.
/// </summary>
internal static class ShardedScoring
{
    /// <summary>Scores shard <paramref name="shard"/> of <paramref name="input"/> (or skips it when its manifest matches).</summary>
    public static ShardOutcome Run(ScoringJobOptions job, ShardSpec shard, IShardInput input, ProgressLine? progress, CancellationToken cancel)
    {
        if (job.InputPath is null) throw ClassifierException.Arguments("--shard needs --input FILE (standard input cannot be split).");
        var format = job.Scoring.Format == OutputFormat.Jsonl ? "jsonl" : "csv";
        var identity = input.Identify();
        var work = ShardWork.Plan(job, shard, identity, ShardSettings.Of(job.Scoring, format));
        if (work.SkipReason is not null) return new ShardOutcome(ShardManifest.Read(work.ManifestPath), null, work.SkipReason);

        var model = ModelStore.Load(job.ModelPath);
        // As in a single run: a card without the statistics fails before any text is scored.
        var cardStats = ShareRun.CardStats(job);
        var scorer = new BatchScorer(model, job.Scoring.Engine);
        var shares = ShareRun.Collector(job, model.Labels, scorer, cardStats);
        var engine = new CorpusScorer(scorer, job.Scoring) { Sink = shares };
        work.Begin();

        ScoringSummary? summary = null;
        ShardSplit? split = null;
        ShardInput? read = null;
        long headerBytes = 0;
        long errorsHeaderBytes = 0;
        void Score(Stream output, IRecordWriter? errorWriter)
        {
            var problems = new RowProblemLog(errorWriter);
            using var rows = input.Open(shard, job.Scoring, problems);
            headerBytes = HeaderBytes(job.Scoring, engine.OutputColumns(rows.Columns));
            summary = engine.Score(rows, output, problems, progress, cancel);
            problems.Complete();
            split = rows.Split;
            read = rows.WithRead(identity);
        }

        if (work.ErrorsPartPath is null)
        {
            AtomicFile.Write(work.PartPath, output => Score(output, null));
        }
        else
        {
            errorsHeaderBytes = HeaderBytes(job.Scoring with { Format = OutputFormat.Csv }, RowProblemLog.Columns);
            // The part is renamed into place before the errors part: both exist before the manifest is written.
            AtomicFile.Write(work.ErrorsPartPath, errors =>
            {
                using var errorWriter = new CsvOutputWriter(errors, excelSafe: job.Scoring.ExcelSafe);
                AtomicFile.Write(work.PartPath, output => Score(output, errorWriter));
            });
        }
        var manifest = work.Complete(read!, split!, summary!, headerBytes, errorsHeaderBytes, SaveShares(work, shares, scorer.Labels));
        return new ShardOutcome(manifest, summary, null);
    }

    /// <summary>
    /// With --shares: saves the shard's share statistics (the sidecar, once the part is in place) and
    /// returns the manifest's statistics; null without. The shard does not write the shares file: merge does.
    /// </summary>
    public static IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>? SaveShares(ShardWork work, ShareCollector? shares, IReadOnlyList<string> labels) =>
        shares is null || work.SharesOptions is not { } options
            ? null
            : new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { [ShardShares.Name] = ShardShares.Save(options, shares, labels, work.SharesPartPath) };

    /// <summary>The bytes of the header line a run writes before its rows (0 for JSON lines).</summary>
    public static long HeaderBytes(ScoringOptions options, IReadOnlyList<string> columns)
    {
        using var buffer = new MemoryStream();
        using (var writer = RecordWriters.Create(options.Format, buffer, options.ExcelSafe))
        {
            writer.Header(columns);
            writer.Flush();
        }
        return buffer.Length;
    }
}
