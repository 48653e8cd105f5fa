using Classifier.Core.Evaluation;
using Classifier.Core.Model;

namespace Classifier.Reports;

/// <summary>
/// The training report: for the held-out test and for cross-validation, a confusion-matrix heatmap
/// and per-class precision/recall/F1 bars, and an index.html with the same figures as tables.
/// Everything comes from the model card, so any card can be reported again later.
/// </summary>
public static class TrainingReport
{
    /// <summary>Draws the report of a model card into a folder and returns the files written (PNG figures and index.html).</summary>
    /// <param name="folder">The folder to write into; created when missing.</param>
    /// <param name="card">The model's card (<see cref="ModelCard.TryRead"/>).</param>
    /// <param name="modelPath">The model zip the card belongs to, as shown in the report.</param>
    public static IReadOnlyList<string> Write(string folder, ModelCard card, string modelPath)
    {
        var output = new ReportFolder(folder);
        var page = new HtmlPage($"Training report: {Path.GetFileName(modelPath)}");
        page.Table(["", ""],
        [
            ["model", modelPath],
            ["trainer", card.Trainer],
            ["features", card.Features],
            ["training data", $"{card.Training.Path} ({card.Training.Rows} rows, sha256 {card.Training.Sha256[..Math.Min(12, card.Training.Sha256.Length)]})"],
            ["test data", card.Test is null ? "none" : $"{card.Test.Path} ({card.Test.Rows} rows)"],
            ["labels", string.Join(", ", card.Labels)],
            ["seed", card.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ["created (UTC)", card.CreatedUtc.ToString("u", System.Globalization.CultureInfo.InvariantCulture)],
            ["ML.NET", card.MlNetVersion],
        ]);

        if (card.TestMetrics is { } test)
        {
            page.Heading($"Held-out test ({test.Rows} rows): macro-F1 {HtmlPage.F(test.MacroF1)}, accuracy {HtmlPage.F(test.Accuracy)}");
            page.Figure(output.Write("test-confusion.png", Charts.ConfusionMatrix(test.Labels, test.ConfusionMatrix, "Held-out test: confusion matrix")),
                "Rows are the true labels, columns the predicted ones; each cell shows its count and its share of the true row.");
            page.Figure(output.Write("test-metrics.png", Charts.ClassMetrics(test.Labels,
                    test.PerClass.Select(m => m.Precision).ToArray(), test.PerClass.Select(m => m.Recall).ToArray(), test.PerClass.Select(m => m.F1).ToArray(),
                    "Held-out test: precision, recall, F1")),
                "Per-class precision, recall and F1 on the test file.");
            page.Table(["label", "precision", "recall", "F1", "support"],
                test.PerClass.Select(m => (IReadOnlyList<string>)[m.Label, HtmlPage.F(m.Precision), HtmlPage.F(m.Recall), HtmlPage.F(m.F1), m.Support.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)])
                    .Append(["macro-F1", "", "", HtmlPage.F(test.MacroF1), test.Rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)])
                    .Append(["accuracy", "", "", HtmlPage.F(test.Accuracy), ""])
                    .Append(["log-loss", "", "", HtmlPage.F(test.LogLoss), ""]));
            ConfusionTable(page, test.Labels, test.ConfusionMatrix);
        }

        if (card.CrossValidation is { } cv)
        {
            page.Heading($"Cross-validation ({cv.Folds} folds): macro-F1 {cv.MacroF1}, accuracy {cv.Accuracy}");
            page.Figure(output.Write("cv-confusion.png", Charts.ConfusionMatrix(cv.Labels, cv.ConfusionMatrix, $"Cross-validation: confusion summed over {cv.Folds} folds")),
                "Every training row, predicted by the fold model that did not see it.");
            var labels = cv.Labels;
            page.Figure(output.Write("cv-metrics.png", Charts.ClassMetrics(labels,
                    labels.Select(l => cv.Precision[l].Mean).ToArray(), labels.Select(l => cv.Recall[l].Mean).ToArray(), labels.Select(l => cv.F1[l].Mean).ToArray(),
                    "Cross-validation: precision, recall, F1 (mean ± sd)",
                    [labels.Select(l => cv.Precision[l].Sd).ToArray(), labels.Select(l => cv.Recall[l].Sd).ToArray(), labels.Select(l => cv.F1[l].Sd).ToArray()])),
                "Mean over folds; the whiskers are one standard deviation.");
            page.Table(["label", "precision", "recall", "F1"],
                labels.Select(l => (IReadOnlyList<string>)[l, cv.Precision[l].ToString(), cv.Recall[l].ToString(), cv.F1[l].ToString()])
                    .Append(["macro-F1", "", "", cv.MacroF1.ToString()])
                    .Append(["accuracy", "", "", cv.Accuracy.ToString()])
                    .Append(["log-loss", "", "", cv.LogLoss.ToString()]));
            ConfusionTable(page, cv.Labels, cv.ConfusionMatrix);
        }

        if (card.Leaderboard is { Count: > 0 } board)
        {
            page.Heading("Trainers compared (cross-validated, best first)");
            page.Table(["trainer", "macro-F1", "accuracy", "log-loss", "seconds"],
                board.Select(b => (IReadOnlyList<string>)[b.Trainer, b.MacroF1.ToString(), b.Accuracy.ToString(), b.LogLoss.ToString(), HtmlPage.F(b.Seconds, "0.0")]));
        }

        output.Write("index.html", page.ToString());
        return output.Written;
    }

    private static void ConfusionTable(HtmlPage page, IReadOnlyList<string> labels, int[][] matrix) =>
        page.Table(["truth \\ predicted", .. labels],
            labels.Select((l, i) => (IReadOnlyList<string>)[l, .. matrix[i].Select(v => v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))]));
}
