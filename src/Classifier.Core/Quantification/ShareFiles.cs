using System.Globalization;
using Classifier.Core.Scoring;

namespace Classifier.Core.Quantification;

/// <summary>Writes share estimates as CSV (one row per group, period and label) and as the console summary.</summary>
internal static class ShareFiles
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

    private static void Cell(CsvOutputWriter writer, double? value)
    {
        if (value is { } v) writer.Text(v.ToString("0.######", CultureInfo.InvariantCulture));
        else writer.Empty();
    }

}
