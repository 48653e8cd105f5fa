using Classifier.Core.Scoring;
using ConsoleTables;

namespace Classifier.Cli.Tables;

/// <summary>The scoring command's end-of-run table.</summary>
internal static class ScoringSummaryTable
{
    /// <summary>The end-of-run table (ConsoleTables) of a run's counts.</summary>
    public static string ToTable(this ScoringSummary summary, bool sentences)
    {
        var unit = sentences ? "sentences" : "rows";
        var table = new ConsoleTable("what", "count", "share");
        table.AddRow("rows read", summary.RowsRead.ToString("N0"), "");
        table.AddRow($"{unit} scored", summary.Scored.ToString("N0"), "");
        table.AddRow("empty text (kept, not scored)", summary.EmptyText.ToString("N0"), "");
        table.AddRow("malformed rows skipped", summary.Skipped.ToString("N0"), "");
        for (var i = 0; i < summary.Labels.Count; i++) table.AddRow($"label {summary.Labels[i]}", summary.LabelCounts[i].ToString("N0"), summary.Share(summary.LabelCounts[i]));
        if (summary.Uncertain > 0) table.AddRow($"label {ScoringOptions.UncertainLabel}", summary.Uncertain.ToString("N0"), summary.Share(summary.Uncertain));
        table.AddRow("seconds", summary.Elapsed.TotalSeconds.ToString("0.00"), "");
        table.AddRow("rows/s", summary.RowsPerSecond.ToString("N0"), "");
        if (summary.Engine.Length > 0) table.AddRow("engine", summary.Engine, "");
        var text = table.ToMinimalString();
        return summary.EngineNote is null ? text : $"{text}\nScored with ML.NET: the model has no compiled form ({summary.EngineNote}).";
    }

}
