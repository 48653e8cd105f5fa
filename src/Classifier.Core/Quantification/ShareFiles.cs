using System.Globalization;
using Classifier.Core.Scoring;
using ConsoleTables;

namespace Classifier.Core.Quantification;

/// <summary>Writes share estimates as CSV (one row per group, period and label) and as the console summary.</summary>
public static class ShareFiles
{
    /// <summary>The columns of the shares file.</summary>
    public static readonly IReadOnlyList<string> Columns = ["group", "period", "label", "n", "cc_share", "share", "ci_low", "ci_high", "method", "note"];

    /// <summary>Writes <paramref name="results"/> as CSV to <paramref name="output"/> (left open); <paramref name="excelSafe"/> as for the scored output.</summary>
    public static void WriteCsv(ShareResults results, Stream output, bool excelSafe = false)
    {
        using var writer = new CsvOutputWriter(output, excelSafe);
        writer.Header(Columns);
        foreach (var group in results.Groups)
        {
            foreach (var label in group.Labels)
            {
                writer.Text(group.Group);
                writer.Text(group.Period);
                writer.Text(label.Label);
                writer.Integer(group.N);
                Cell(writer, label.CcShare);
                Cell(writer, label.Share);
                Cell(writer, label.CiLow);
                Cell(writer, label.CiHigh);
                writer.Text(results.Method);
                writer.Text(group.Note);
                writer.EndRecord();
            }
        }
        writer.Flush();
    }

    /// <summary>The overall shares, classify-and-count beside corrected with the interval, as a console table.</summary>
    public static string SummaryTable(ShareResults results)
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

    private static void Cell(CsvOutputWriter writer, double? value)
    {
        if (value is { } v) writer.Text(v.ToString("0.######", CultureInfo.InvariantCulture));
        else writer.Empty();
    }

    private static string P(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "";
}
