namespace Classifier.Core.Quantification;

/// <summary>One label's share in a group: classify-and-count, the corrected estimate and its interval. All null for a group too small to estimate.</summary>
public sealed record LabelShare(string Label, double? CcShare, double? Share, double? CiLow, double? CiHigh);

/// <summary>The estimate for one group (and period): the number of texts, each label's shares, and a note when there is no estimate.</summary>
public sealed record ShareEstimate(string Group, string Period, long N, IReadOnlyList<LabelShare> Labels, string Note)
{
    /// <summary>True when the group had enough texts for an estimate.</summary>
    public bool Estimated => Labels.Count > 0 && Labels[0].Share is not null;
}

/// <summary>Everything a share estimation produced: how it was done, each group and the whole corpus.</summary>
public sealed record ShareResults(
    IReadOnlyList<string> Labels,
    string Method,
    double Confidence,
    int Replicates,
    int Seed,
    IReadOnlyList<ShareEstimate> Groups,
    ShareEstimate Overall)
{
    /// <summary>Where the error rates came from (the card's out-of-fold rows, or a labeled file).</summary>
    public string ErrorRates { get; init; } = "";

    /// <summary>The group column used, or null for one group "all".</summary>
    public string? GroupColumn { get; init; }

    /// <summary>The date column used, or null.</summary>
    public string? DateColumn { get; init; }

    /// <summary>The period of the date column ("week", "month", "quarter", "year"), or null.</summary>
    public string? Period { get; init; }
}
