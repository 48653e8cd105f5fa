using Classifier.Cli.Tables;
using Classifier.Core;
using Classifier.Core.Insight.Explain;
using Classifier.Core.Model;
using Classifier.Core.Scoring;

namespace Classifier.Scoring.Commands;

/// <summary>Scores a few texts into a table and, when asked, explains them: shared by the root command's --text and <c>explain</c>.</summary>
internal static class TextScoring
{
    /// <summary>Prints the prediction table of <paramref name="texts"/>, then (with <paramref name="explainTop"/>) why, from one loaded model.</summary>
    public static void Run(string modelPath, string[] texts, ScoringEngine engine, float? minConfidence, int? explainTop, TextWriter stdout)
    {
        if (minConfidence is { } min && (min < 0 || min > 1 || float.IsNaN(min)))
            throw ClassifierException.Arguments($"--min-confidence must be between 0 and 1 (got {min}).");
        var model = ModelStore.Load(modelPath);
        // A few texts: compiling (about a second) would cost more than it saves.
        var scorer = new BatchScorer(model, engine == ScoringEngine.Auto ? ScoringEngine.MlNet : engine);
        stdout.WriteLine(PredictionTable.Render(texts, scorer, minConfidence));
        if (explainTop is { } top) Explain(model, texts, top, stdout);
    }

    private static void Explain(LoadedModel model, string[] texts, int top, TextWriter stdout)
    {
        var explainer = ModelExplainer.For(model);
        foreach (var text in texts.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            stdout.WriteLine();
            stdout.WriteLine($"why: {text}");
            stdout.Write(ExplanationTables.Render(explainer.Explain(text, top), top));
        }
    }
}
