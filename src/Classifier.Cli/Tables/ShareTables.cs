using System.Globalization;
using Classifier.Core.Quantification;
using ConsoleTables;

namespace Classifier.Cli.Tables;

/// <summary>Renders share estimates for the console.</summary>
internal static class ShareTables
{
    /// <summary>The overall shares, classify-and-count beside corrected with the interval, as a console table.</summary>
    public static string Summary(ShareResults results)
    {
        var overall = results.Overall;
        var percent = (results.Confidence * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var table = new ConsoleTable("label", "classify & count", $"corrected ({results.Method})", $"{percent}% interval");
        foreach (var label in overall.Labels)
        {
            table.AddRow(label.Label, P(label.CcShare), P(label.Share),
                label.CiLow is null ? "" : $"{P(label.CiLow)} - {P(label.CiHigh)}");
        }
        var head = $"Shares of {overall.N.ToString("N0", CultureInfo.InvariantCulture)} texts ({results.Replicates:N0} bootstrap replicates, seed {results.Seed}; error rates from {results.ErrorRates}):";
        var groups = results.Groups.Count > 1 || results.GroupColumn is not null || results.DateColumn is not null
            ? $"\n{results.Groups.Count:N0} groups, {results.Groups.Count(g => !g.Estimated):N0} without an estimate (fewer texts than --min-group-size or no readable date)."
            : "";
        var note = overall.Note.Length > 0 ? $"\n{overall.Note}." : "";
        return $"{head}\n{table.ToMinimalString().TrimEnd()}{groups}{note}";
    }

    private static string P(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "";
}
