namespace Classifier.Core.Scoring;

/// <summary>What a scoring run did: counts for the summary table and for tests.</summary>
public sealed record ScoringSummary(
    long RowsRead,
    long Scored,
    long EmptyText,
    long Skipped,
    IReadOnlyList<string> Labels,
    IReadOnlyList<long> LabelCounts,
    long Uncertain,
    TimeSpan Elapsed)
{
    /// <summary>What scored the texts ("compiled" or "ml.net"), and why not compiled when it could have been.</summary>
    public string Engine { get; init; } = "";

    public string? EngineNote { get; init; }

    /// <summary>The share estimates, when the run was asked for them (<c>--shares</c>).</summary>
    public Quantification.ShareResults? Shares { get; init; }

    /// <summary>What the shares left out of the dated periods (rows without a readable date), or null.</summary>
    public string? SharesNote { get; init; }

    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsRead / Elapsed.TotalSeconds : 0;

    /// <summary>The share of scored rows <paramref name="count"/> stands for ("" before any row is scored).</summary>
    public string Share(long count) => Scored > 0 ? (count / (double)Scored).ToString("P1") : "";
}
