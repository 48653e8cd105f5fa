using System.Globalization;
using System.Text;
using Classifier.Core.Insight.Explain;
using ConsoleTables;

namespace Classifier.Cli.Tables;

/// <summary>Renders an explanation as console tables: one per label, strongest pushes first.</summary>
internal static class ExplanationTables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Per label, the words (with their character n-grams folded in) and word n-grams that pushed
    /// toward it, then the features that pushed hardest against it.
    /// </summary>
    public static string Render(Explanation explanation, int top = 8)
    {
        var sb = new StringBuilder();
        sb.Append("predicted: ").Append(explanation.PredictedLabel).Append("  (")
          .Append(string.Join(", ", explanation.Labels.Select(l => $"{l.Label} {l.Probability.ToString("0.000", Inv)}")))
          .AppendLine(")");
        foreach (var label in explanation.Labels.OrderByDescending(l => l.Probability))
        {
            sb.AppendLine();
            sb.AppendLine($"toward {label.Label} (p = {label.Probability.ToString("0.000", Inv)}, bias {Signed(label.Bias)}):");
            var table = new ConsoleTable("word or n-gram", "push", "as word", "from its chars");
            table.Configure(o => o.EnableCount = false);
            var toward = label.Words.Where(w => w.Push > 0).Take(top).ToArray();
            foreach (var w in toward) table.AddRow(w.Word, Signed(w.Push), Signed(w.FromWord), Signed(w.FromChars));
            if (toward.Length == 0) table.AddRow("(nothing)", "", "", "");
            sb.Append(table.ToMinimalString()).AppendLine();

            var against = label.Words.Where(w => w.Push < 0).OrderBy(w => w.Push).Take(Math.Max(1, top / 2)).ToArray();
            if (against.Length > 0)
                sb.AppendLine("  against: " + string.Join(", ", against.Select(w => $"{w.Word} {Signed(w.Push)}")));
        }
        return sb.ToString();
    }

    /// <summary>The raw features (words, word n-grams, character n-grams) behind each label, for the curious.</summary>
    public static string RenderFeatures(Explanation explanation, int top = 10)
    {
        var sb = new StringBuilder();
        foreach (var label in explanation.Labels.OrderByDescending(l => l.Probability))
        {
            sb.AppendLine($"features toward {label.Label}:");
            var table = new ConsoleTable("feature", "kind", "value", "weight", "push");
            table.Configure(o => o.EnableCount = false);
            foreach (var c in label.Toward.Take(top))
                table.AddRow(c.Kind == FeatureKind.Chars ? $"'{c.Feature}'" : c.Feature, Kind(c.Kind), c.Value.ToString("0.000", Inv), Signed(c.Weight), Signed(c.Push));
            sb.Append(table.ToMinimalString()).AppendLine();
        }
        return sb.ToString();
    }

    private static string Kind(FeatureKind kind) => kind switch
    {
        FeatureKind.Word => "word",
        FeatureKind.WordNgram => "words",
        FeatureKind.Chars => "chars",
        _ => "other",
    };

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", Inv);
}
