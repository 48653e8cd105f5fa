using Classifier.Core.Scoring;
using ConsoleTables;

namespace Classifier.Cli.Tables;

/// <summary>A ConsoleTables table of a few texts: the text (cut to fit), label, confidence and every label's probability.</summary>
internal static class PredictionTable
{
    public static string Render(IReadOnlyList<string> texts, BatchScorer scorer, float? minConfidence, int textWidth = 40)
    {
        var labels = scorer.Labels;
        var scored = texts.Where(t => !string.IsNullOrWhiteSpace(t)).ToArray();
        var predictions = scored.Length > 0 ? scorer.Score(scored, scored.Length) : null;

        var table = new ConsoleTable([.. new[] { "text", "label", "confidence" }.Concat(labels.Select(l => $"p({l})"))]);
        var next = 0;
        foreach (var text in texts)
        {
            var cells = new List<object> { Cut(text, textWidth) };
            if (string.IsNullOrWhiteSpace(text))
            {
                cells.AddRange(Enumerable.Repeat<object>("", labels.Count + 2));
            }
            else
            {
                var i = next++;
                var confidence = predictions!.Confidence(i);
                cells.Add(minConfidence is { } min && confidence < min ? ScoringOptions.UncertainLabel : labels[predictions.Predicted[i]]);
                cells.Add(confidence.ToString("0.000"));
                foreach (var p in predictions.ProbabilitiesOf(i)) cells.Add(p.ToString("0.000"));
            }
            table.AddRow([.. cells]);
        }
        return table.ToMinimalString();
    }

    /// <summary>One line, at most <paramref name="width"/> characters, an ellipsis when cut.</summary>
    public static string Cut(string text, int width)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= width ? line : string.Concat(line.AsSpan(0, Math.Max(0, width - 1)), "\u2026");
    }
}
