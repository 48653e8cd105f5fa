namespace Classifier.Core.Scoring;

/// <summary>What a scoring run did: counts for the summary table and for tests.</summary>
/// <param name="RowsRead">Data rows read (malformed ones included).</param>
/// <param name="Scored">Rows given a label.</param>
/// <param name="EmptyText">Rows whose text was empty, passed through without a label.</param>
/// <param name="Skipped">Malformed rows skipped.</param>
/// <param name="Labels">Label names in Score order.</param>
/// <param name="LabelCounts">Scored rows per label, in <paramref name="Labels"/> order.</param>
/// <param name="Uncertain">Rows labeled <see cref="ScoringOptions.UncertainLabel"/>.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
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

    /// <summary>Why the compiled engine was not used, when <see cref="ScoringEngine.Auto"/> fell back to ML.NET; else null.</summary>
    public string? EngineNote { get; init; }

    /// <summary>The share estimates, when the run was asked for them (<c>--shares</c>).</summary>
    public Quantification.ShareResults? Shares { get; init; }

    /// <summary>What the shares left out of the dated periods (rows without a readable date), or null.</summary>
    public string? SharesNote { get; init; }

    /// <summary>Rows read per second of <see cref="Elapsed"/>.</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsRead / Elapsed.TotalSeconds : 0;

    /// <summary>The share of scored rows <paramref name="count"/> stands for ("" before any row is scored).</summary>
    public string Share(long count) => Scored > 0 ? (count / (double)Scored).ToString("P1") : "";
}
