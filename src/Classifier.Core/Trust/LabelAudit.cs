using System.Globalization;
using Classifier.Core.Data;
using Classifier.Core.IO;
using Classifier.Core.Training;
using CsvHelper;

namespace Classifier.Core.Trust;

/// <summary>What <see cref="LabelAudit.Run"/> read and found.</summary>
/// <param name="Table">The input, every column and row.</param>
/// <param name="DataRows">For each row trained on, its 0-based index in <see cref="CsvTable.Rows"/> (rows with an empty text or label are left out).</param>
/// <param name="Skipped">Rows left out for an empty text or label.</param>
/// <param name="LabelColumn">Index of the label column in the table.</param>
/// <param name="Result">Confident learning's estimate and listing (issue indices point into <paramref name="DataRows"/>).</param>
internal sealed record AuditResult(CsvTable Table, IReadOnlyList<int> DataRows, int Skipped, int LabelColumn, ConfidentLearningResult Result);

/// <summary>
/// Finds the training rows whose label is probably wrong: cross-validated out-of-fold probabilities
/// (the same stratified folds, features and trainer as training) fed to <see cref="ConfidentLearning"/>.
/// </summary>
internal static class LabelAudit
{
    /// <summary>The columns the listing adds after the input's own.</summary>
    public static IReadOnlyList<string> AddedColumns { get; } = ["row", "rank", "suggested_label", "p_given", "p_suggested"];

    /// <summary>Reads <paramref name="path"/>, cross-validates with <paramref name="options"/> and runs confident learning.</summary>
    public static AuditResult Run(string path, string textColumn, string labelColumn, TrainingOptions options, Action<int, Evaluation.EvaluationReport>? onFold = null)
    {
        var table = CsvTable.Read(path);
        var textIndex = table.Column(textColumn, "text");
        var labelIndex = table.Column(labelColumn, "label");
        foreach (var added in AddedColumns)
        {
            // The listing would carry two columns of one name.
            if (table.IndexOf(added) is not null) throw ClassifierException.Input($"{path}: has a column '{added}', which the audit listing adds; rename it.");
        }
        var examples = new List<LabeledExample>(table.Rows.Count);
        var dataRows = new List<int>(table.Rows.Count);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var text = table.Rows[r][textIndex];
            var label = table.Rows[r][labelIndex].Trim();
            if (string.IsNullOrWhiteSpace(text) || label.Length == 0) continue;
            examples.Add(new LabeledExample(text, label));
            dataRows.Add(r);
        }
        if (examples.Count == 0) throw ClassifierException.Input($"{path}: no usable rows (every row has an empty text or label).");

        var outOfFold = new float[examples.Count][];
        var (summary, _) = ModelTrainer.CrossValidate(examples, options, onFold, outOfFold);
        var labels = summary.Labels;
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var given = examples.Select(e => index[e.Label]).ToArray();
        return new AuditResult(table, dataRows, table.Rows.Count - examples.Count, labelIndex, ConfidentLearning.Find(given, outOfFold, labels));
    }

    /// <summary>
    /// Writes the listing atomically: the input's columns in their order, then row (1-based data row of
    /// the input), rank (1 = most likely wrong), suggested_label, p_given, p_suggested; listed rows only.
    /// </summary>
    public static void Write(AuditResult audit, string outputPath)
    {
        AtomicFile.Write(outputPath, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
            foreach (var name in audit.Table.Headers.Concat(AddedColumns)) csv.WriteField(name);
            csv.EndRecord();
            var rank = 0;
            foreach (var issue in audit.Result.Issues)
            {
                var tableRow = audit.DataRows[issue.Index];
                foreach (var field in audit.Table.Rows[tableRow]) csv.WriteField(field);
                csv.WriteField((tableRow + 1).ToString(CultureInfo.InvariantCulture));
                csv.WriteField((++rank).ToString(CultureInfo.InvariantCulture));
                csv.WriteField(audit.Result.Labels[issue.Suggested]);
                csv.WriteField(issue.PGiven.ToString("0.0000", CultureInfo.InvariantCulture));
                csv.WriteField(issue.PSuggested.ToString("0.0000", CultureInfo.InvariantCulture));
                csv.EndRecord();
            }
            csv.Flush();
        });
    }
}
