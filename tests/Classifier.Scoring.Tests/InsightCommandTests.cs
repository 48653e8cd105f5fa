using CsvHelper;

using Classifier.Insight.Tests;

namespace Classifier.Scoring.Tests;

/// <summary>The insight options of classifier-score, run in process on the tiny linear model.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class InsightCommandTests(TinyModels models)
{
    [Fact]
    public void explain_prints_the_pushes_of_each_label_after_the_scores()
    {
        var (exit, stdout, stderr) = Score("--model", models.LinearPath, "--text", "we need warrants", "--explain");

        Assert.True(exit == 0, stderr);
        Assert.Contains("why: we need warrants", stdout);
        Assert.Contains("toward pro-access", stdout);
        Assert.Contains("warrants", stdout);
    }

    [Fact]
    public void explain_on_a_tree_model_exits_4_with_a_clear_message()
    {
        var (exit, _, stderr) = Score("--model", models.TreePath, "--text", "we need warrants", "--explain");

        Assert.Equal(4, exit);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("no linear weights", stderr);
    }

    [Fact]
    public void suggest_writes_the_rows_to_label_and_skips_labeled_ones()
    {
        var folder = models.NewFolder();
        var corpus = Path.Combine(folder, "corpus.csv");
        File.WriteAllLines(corpus, ["text,source", "warrants or privacy,web", "privacy matters,web", "the committee met,web", "\"warrants, or privacy!\",web"]);
        var labeled = Path.Combine(folder, "labeled.csv");
        File.WriteAllLines(labeled, ["text,label", "privacy matters,pro-privacy"]);
        var output = Path.Combine(folder, "to-label.csv");

        var (exit, _, stderr) = Score("--model", models.LinearPath, "--input", corpus, "--output", output, "--suggest", "10", "--labeled", labeled);

        Assert.True(exit == 0, stderr);
        using var reader = CsvReader.FromFile(output, new CsvReaderOptions());
        var texts = new List<string>();
        while (reader.Read())
        {
            texts.Add(reader.GetString(0));
            Assert.Equal("", reader.GetString(1));
            Assert.Equal("web", reader.GetString(2));
        }
        Assert.Equal(["the committee met", "warrants or privacy"], texts.Order());
        Assert.Contains("1 near-duplicates, 1 already labeled", stderr);
    }

    [Fact]
    public void batch_scoring_with_report_and_date_column_draws_the_stance_over_time()
    {
        var folder = models.NewFolder();
        var corpus = Path.Combine(folder, "corpus.csv");
        File.WriteAllLines(corpus, ["text,published", .. Enumerable.Range(0, 40).Select(i => $"{(i % 2 == 0 ? "warrants" : "privacy")} number {i},2022-{1 + i % 4:00}-10")]);
        var report = Path.Combine(folder, "report");

        var (exit, _, stderr) = Score("--model", models.LinearPath, "--input", corpus, "--output", Path.Combine(folder, "scored.csv"), "--report", report, "--date-column", "published", "--quiet");

        Assert.True(exit == 0, stderr);
        Assert.Equal(["confidence.png", "index.html", "labels.png", "over-time.png"], Directory.GetFiles(report).Select(Path.GetFileName).Order());
        Assert.Contains("by week", File.ReadAllText(Path.Combine(report, "index.html")));
    }

    [Fact]
    public void a_date_column_that_is_not_in_the_input_fails_before_scoring()
    {
        var folder = models.NewFolder();
        var corpus = Path.Combine(folder, "corpus.csv");
        File.WriteAllLines(corpus, ["text", "warrants"]);
        var scored = Path.Combine(folder, "scored.csv");

        var (exit, _, stderr) = Score("--model", models.LinearPath, "--input", corpus, "--output", scored, "--report", Path.Combine(folder, "r"), "--date-column", "when");

        Assert.Equal(2, exit);
        Assert.Contains("'when' is not a column", stderr);
        Assert.False(File.Exists(scored));
    }

    private static (int Exit, string Stdout, string Stderr) Score(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Classifier.Scoring.Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
