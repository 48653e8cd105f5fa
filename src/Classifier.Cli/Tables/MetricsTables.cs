using System.Globalization;
using Classifier.Core.Evaluation;
using ConsoleTables;

namespace Classifier.Cli.Tables;

/// <summary>Renders figures as console tables (rows = truth, columns = predicted in confusion matrices).</summary>
internal static class MetricsTables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string PerClass(EvaluationReport report)
    {
        var table = Table("label", "precision", "recall", "F1", "support");
        foreach (var m in report.PerClass) table.AddRow(m.Label, F(m.Precision), F(m.Recall), F(m.F1), m.Support);
        table.AddRow("macro-F1", "", "", F(report.MacroF1), report.Rows);
        table.AddRow("accuracy", "", "", F(report.Accuracy), "");
        table.AddRow("log-loss", "", "", F(report.LogLoss), "");
        return table.ToString();
    }

    public static string PerClass(CrossValidationSummary cv)
    {
        var table = Table("label", "precision", "recall", "F1");
        foreach (var label in cv.Labels) table.AddRow(label, cv.Precision[label].ToString(), cv.Recall[label].ToString(), cv.F1[label].ToString());
        table.AddRow("macro-F1", "", "", cv.MacroF1.ToString());
        table.AddRow("accuracy", "", "", cv.Accuracy.ToString());
        table.AddRow("log-loss", "", "", cv.LogLoss.ToString());
        return table.ToString();
    }

    public static string Confusion(IReadOnlyList<string> labels, int[][] matrix)
    {
        var table = Table(["truth \\ predicted", .. labels]);
        for (var i = 0; i < labels.Count; i++) table.AddRow([labels[i], .. matrix[i].Select(v => (object)v)]);
        return table.ToString();
    }

    /// <summary>Rows, macro-F1 (over the labels each group holds) and accuracy per group.</summary>
    public static string Groups(string column, IEnumerable<GroupMetrics> groups)
    {
        var table = Table(column, "rows", "macro-F1", "accuracy");
        foreach (var g in groups) table.AddRow(g.Group, g.Rows, F(g.MacroF1), F(g.Accuracy));
        return table.ToString();
    }

    public static string Leaderboard(IEnumerable<Classifier.Core.Model.LeaderboardEntry> entries)
    {
        var table = Table("rank", "trainer", "macro-F1 (mean ± sd)", "accuracy", "log-loss", "seconds");
        var rank = 1;
        foreach (var e in entries)
        {
            table.AddRow(rank++, e.Trainer, e.MacroF1.ToString(), e.Accuracy.ToString(), e.LogLoss.ToString(), e.Seconds.ToString("0.0", Inv));
        }
        return table.ToString();
    }

    private static ConsoleTable Table(params string[] columns)
    {
        var table = new ConsoleTable(columns);
        table.Configure(o => o.EnableCount = false);
        return table;
    }

    private static string F(double value) => value.ToString("0.000", Inv);
}
