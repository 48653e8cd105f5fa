using ConsoleTables;

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

    /// <summary>The end-of-run table (ConsoleTables).</summary>
    public string ToTable(bool sentences)
    {
        var unit = sentences ? "sentences" : "rows";
        var table = new ConsoleTable("what", "count", "share");
        table.AddRow("rows read", RowsRead.ToString("N0"), "");
        table.AddRow($"{unit} scored", Scored.ToString("N0"), "");
        table.AddRow("empty text (kept, not scored)", EmptyText.ToString("N0"), "");
        table.AddRow("malformed rows skipped", Skipped.ToString("N0"), "");
        for (var i = 0; i < Labels.Count; i++) table.AddRow($"label {Labels[i]}", LabelCounts[i].ToString("N0"), Share(LabelCounts[i]));
        if (Uncertain > 0) table.AddRow($"label {ScoringOptions.UncertainLabel}", Uncertain.ToString("N0"), Share(Uncertain));
        table.AddRow("seconds", Elapsed.TotalSeconds.ToString("0.00"), "");
        table.AddRow("rows/s", RowsPerSecond.ToString("N0"), "");
        if (Engine.Length > 0) table.AddRow("engine", Engine, "");
        var text = table.ToMinimalString();
        return EngineNote is null ? text : $"{text}\nScored with ML.NET: the model has no compiled form ({EngineNote}).";
    }

    private string Share(long count) => Scored > 0 ? (count / (double)Scored).ToString("P1") : "";
}
