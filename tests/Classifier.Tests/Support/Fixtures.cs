using System.Text;
using Classifier.Core.Data;

namespace Classifier.Tests.Support;

/// <summary>
/// A small labeled set whose classes have distinct vocabulary, so a model trained on it in about a
/// second must separate them: training tests stay fast and still fail when training breaks.
/// </summary>
public static class Fixtures
{
    private static readonly string[] AccessWords = ["warrant", "lawful", "investigators", "access", "police", "court", "order", "predators"];
    private static readonly string[] PrivacyWords = ["backdoor", "weakens", "privacy", "security", "everyone", "hackers", "rights", "strong"];
    private static readonly string[] NeutralWords = ["meeting", "tuesday", "report", "published", "weather", "match", "minister", "scheduled"];

    public static IReadOnlyList<LabeledExample> Rows(int perLabel = 24, int seed = 7)
    {
        var random = new Random(seed);
        var rows = new List<LabeledExample>();
        for (var i = 0; i < perLabel; i++)
        {
            rows.Add(new LabeledExample(Sentence(random, AccessWords, i), "pro-access"));
            rows.Add(new LabeledExample(Sentence(random, PrivacyWords, i), "pro-privacy"));
            rows.Add(new LabeledExample(Sentence(random, NeutralWords, i), "neutral"));
        }
        return rows;
    }

    public static string Csv(IEnumerable<LabeledExample> rows, string textHeader = "text", string labelHeader = "label")
    {
        var sb = new StringBuilder($"{textHeader},{labelHeader}\n");
        foreach (var r in rows) sb.Append('"').Append(r.Text.Replace("\"", "\"\"")).Append("\",").Append(r.Label).Append('\n');
        return sb.ToString();
    }

    private static string Sentence(Random random, string[] words, int i)
    {
        var picked = Enumerable.Range(0, 5).Select(_ => words[random.Next(words.Length)]);
        return $"Sentence {i} says {string.Join(' ', picked)}.";
    }
}
