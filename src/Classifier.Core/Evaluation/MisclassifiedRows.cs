using System.Globalization;
using Classifier.Core.Data;
using Classifier.Core.IO;
using CsvHelper;

namespace Classifier.Core.Evaluation;

/// <summary>Scored rows of one labeled file, with the file they came from.</summary>
internal sealed record ScoredFile(string Path, IReadOnlyList<LabeledExample> Rows, IReadOnlyList<float[]> Probabilities);

/// <summary>
/// Writes the rows a model got wrong, with its probability for every label, for error analysis:
/// columns file, row (1-based among the file's data rows), text, label, predicted, confidence, p:LABEL….
/// </summary>
internal static class MisclassifiedRows
{
    public static int Write(string path, IReadOnlyList<string> labels, IEnumerable<ScoredFile> files)
    {
        var written = 0;
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
            csv.WriteHeader([ "file", "row", "text", "label", "predicted", "confidence", .. labels.Select(l => "p:" + l) ]);
            foreach (var file in files)
            {
                for (var i = 0; i < file.Rows.Count; i++)
                {
                    var p = file.Probabilities[i];
                    var predicted = EvaluationReport.ArgMax(p);
                    if (labels[predicted] == file.Rows[i].Label) continue;
                    csv.WriteField(file.Path);
                    csv.WriteField((i + 1).ToString(CultureInfo.InvariantCulture));
                    csv.WriteField(file.Rows[i].Text);
                    csv.WriteField(file.Rows[i].Label);
                    csv.WriteField(labels[predicted]);
                    csv.WriteField(Format(p[predicted]));
                    foreach (var value in p) csv.WriteField(Format(value));
                    csv.EndRecord();
                    written++;
                }
            }
        });
        return written;
    }

    private static string Format(float value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
