using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Scoring;

namespace Classifier.Core.Quantification;

/// <summary>
/// The share estimate of a scoring run with --shares, whatever writes the scored rows (CSV and JSON
/// lines, Parquet, a shard): where its error rates come from, the collector the scored texts go to,
/// and the shares file written at the end (by the run itself, or by merge for shards).
/// </summary>
internal static class ShareRun
{
    /// <summary>The card's statistics when <paramref name="job"/> takes its error rates from the card: read (or refused in one line) before any text is scored.</summary>
    public static QuantificationStats? CardStats(ScoringJobOptions job) =>
        job.SharesPath is not null && job.CalibrationPath is null ? ErrorRates.FromCard(ModelCard.TryRead(job.ModelPath), job.ModelPath) : null;

    /// <summary>
    /// The collector for <paramref name="job"/>'s shares (null without --shares): error rates from
    /// <paramref name="cardStats"/>, or measured now on --calibration with <paramref name="scorer"/>.
    /// </summary>
    public static ShareCollector? Collector(ScoringJobOptions job, IReadOnlyList<string> labels, BatchScorer scorer, QuantificationStats? cardStats)
    {
        if (job.SharesPath is null) return null;
        var estimator = job.CalibrationPath is null
            ? new ShareEstimator(cardStats ?? CardStats(job)!, labels, job.Shares, ModelCard.PathFor(job.ModelPath))
            : new ShareEstimator(ErrorRates.FromLabeledFile(scorer, job.CalibrationPath, job.Scoring.TextColumn, job.CalibrationLabelColumn), labels, job.Shares, job.CalibrationPath);
        return new ShareCollector(estimator, job.ShareGrouping, job.Scoring.Strict);
    }

    /// <summary>Estimates the shares of a single run and writes them (atomically) to its --shares file; returns <paramref name="summary"/> with them.</summary>
    public static ScoringSummary WriteFile(ScoringJobOptions job, ShareCollector shares, ScoringSummary summary)
    {
        var (results, note) = Write(job.SharesPath!, shares, job.ShareGrouping, job.Scoring.ExcelSafe);
        return summary with { Shares = results, SharesNote = note };
    }

    /// <summary>
    /// Estimates every group of <paramref name="shares"/> and writes the shares file to <paramref name="path"/>
    /// (through a temporary file); returns the estimates and the note about rows without a readable date (or null).
    /// </summary>
    public static (ShareResults Results, string? Note) Write(string path, ShareCollector shares, ShareGrouping grouping, bool excelSafe)
    {
        var results = shares.Estimator.Finish() with
        {
            GroupColumn = grouping.GroupColumn,
            DateColumn = grouping.DateColumn,
            Period = grouping.DateColumn is null ? null : grouping.PeriodName,
        };
        AtomicFile.Write(path, stream => ShareFiles.WriteCsv(results, stream, excelSafe));
        var left = new List<string>();
        if (shares.WithoutDate > 0) left.Add($"{shares.WithoutDate:N0} texts with an empty '{grouping.DateColumn}'");
        if (shares.BadDate > 0) left.Add($"{shares.BadDate:N0} texts with an unreadable date (first: {shares.FirstBadDate})");
        return (results, left.Count == 0 ? null : $"In the period \"\" of each group, not in any dated period: {string.Join("; ", left)}.");
    }
}
