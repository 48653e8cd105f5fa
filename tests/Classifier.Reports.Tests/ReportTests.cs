using System.Text.RegularExpressions;
using Classifier.Core;
using Classifier.Core.Evaluation;
using Classifier.Core.Features;
using Classifier.Reports;
using Classifier.Core.Model;
using SkiaSharp;

using Classifier.Insight.Tests;

namespace Classifier.Reports.Tests;

[Collection(TinyModelsCollection.Name)]
public sealed class ReportTests(TinyModels models)
{
    private static readonly string[] Labels = ["neutral", "pro-access", "pro-privacy"];
    private static readonly byte[] PngSignature = [137, 80, 78, 71, 13, 10, 26, 10];

    [Fact]
    public void the_training_report_has_valid_pictures_and_a_page_that_shows_them()
    {
        var folder = models.NewFolder();

        var files = TrainingReport.Write(folder, Card(), "models/stance.zip");

        Assert.Equal(["test-confusion.png", "test-metrics.png", "cv-confusion.png", "cv-metrics.png", "index.html"], files.Select(Path.GetFileName));
        var html = File.ReadAllText(Path.Combine(folder, "index.html"));
        foreach (var png in files.Where(f => f.EndsWith(".png")))
        {
            AssertPng(png, minWidth: 400, minHeight: 300);
            Assert.Contains($"src=\"{Path.GetFileName(png)}\"", html);
        }
        // The figures are in tables too: the confusion counts and the per-class F1.
        Assert.Contains("<td>171</td>", html);
        Assert.Contains("pro-privacy", html);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void the_scoring_report_draws_labels_confidence_and_stance_over_time()
    {
        var report = new ScoringReport(Labels);
        var start = new DateOnly(2021, 1, 1);
        for (var i = 0; i < 300; i++)
        {
            float[] p = i % 3 == 0 ? [0.8f, 0.1f, 0.1f] : i % 3 == 1 ? [0.2f, 0.45f, 0.35f] : [0.05f, 0.05f, 0.9f];
            report.Add(p, start.AddDays(i * 2).ToString("yyyy-MM-dd"));
        }
        report.Add([0.1f, 0.8f, 0.1f], "not a date");
        report.Add([0.1f, 0.8f, 0.1f], "");
        var folder = models.NewFolder();

        var files = report.Write(folder, "corpus.csv", "models/stance.zip", "published");

        Assert.Equal(["labels.png", "confidence.png", "over-time.png", "index.html"], files.Select(Path.GetFileName));
        foreach (var png in files.Where(f => f.EndsWith(".png"))) AssertPng(png, minWidth: 400, minHeight: 300);
        var html = File.ReadAllText(Path.Combine(folder, "index.html"));
        Assert.Contains("by month", html);
        Assert.Contains("1 rows without a date", html);
        Assert.Contains("first: &#39;not a date&#39;", html);
        Assert.Matches(new Regex("<th>2021-01</th><td>16</td>"), html);
    }

    [Fact]
    public void without_a_date_column_there_is_no_chart_over_time()
    {
        var report = new ScoringReport(Labels);
        report.Add([0.5f, 0.3f, 0.2f]);

        var files = report.Write(models.NewFolder(), "corpus.csv", "models/stance.zip", dateColumn: null);

        Assert.DoesNotContain(files, f => f.EndsWith("over-time.png"));
    }

    [Theory]
    [InlineData("2020-01-01", "2020-03-15", TimeStep.Week)]
    [InlineData("2020-01-01", "2020-04-30", TimeStep.Week)]
    [InlineData("2020-01-01", "2020-06-01", TimeStep.Month)]
    [InlineData("2000-01-01", "2020-06-01", TimeStep.Year)]
    public void short_spans_go_by_week_longer_ones_by_month(string first, string last, TimeStep step)
    {
        Assert.Equal(step, ScoringReport.StepFor(DateOnly.Parse(first), DateOnly.Parse(last)));
    }

    [Fact]
    public void weeks_start_on_monday_and_empty_weeks_are_kept()
    {
        var report = new ScoringReport(Labels);
        report.Add([0.1f, 0.8f, 0.1f], "2024-03-06"); // a Wednesday
        report.Add([0.8f, 0.1f, 0.1f], "2024-03-21T10:00:00Z");

        var (step, periods, counts) = report.OverTime();

        Assert.Equal(TimeStep.Week, step);
        Assert.Equal(["2024-03-04", "2024-03-11", "2024-03-18"], periods);
        Assert.Equal([0, 0, 1], counts[0]);
        Assert.Equal([1, 0, 0], counts[1]);
    }

    [Fact]
    public void a_report_folder_that_is_a_file_is_refused()
    {
        var file = Path.Combine(models.NewFolder(), "taken");
        File.WriteAllText(file, "x");

        var error = Assert.Throws<ClassifierException>(() => new ReportFolder(file));

        Assert.Equal(FailureKind.BadArguments, error.Kind);
        Assert.Contains(file, error.Message);
    }

    [Fact]
    public void the_training_command_writes_a_report_when_asked()
    {
        var folder = models.NewFolder();
        var data = Path.Combine(folder, "train.csv");
        File.WriteAllLines(data, ["text,label", .. models.Rows.Select(r => $"{r.Text},{r.Label}")]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = Classifier.Training.Program.Run(
            ["--data", data, "--test", "none", "--model", Path.Combine(folder, "m.zip"), "--folds", "2", "--char-ngrams", "3", "--report", Path.Combine(folder, "report")],
            stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        Assert.True(File.Exists(Path.Combine(folder, "report", "index.html")));
        AssertPng(Path.Combine(folder, "report", "cv-confusion.png"), 300, 300);
        Assert.False(File.Exists(Path.Combine(folder, "report", "test-confusion.png")));
    }

    private static void AssertPng(string path, int minWidth, int minHeight)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes.Take(8).ToArray());
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.InRange(bitmap.Width, minWidth, 4000);
        Assert.InRange(bitmap.Height, minHeight, 4000);
        // Not a blank canvas: a real chart has many distinct colours.
        var colours = new HashSet<uint>();
        for (var y = 0; y < bitmap.Height; y += 7)
        {
            for (var x = 0; x < bitmap.Width; x += 7) colours.Add((uint)bitmap.GetPixel(x, y));
        }
        Assert.True(colours.Count > 5, $"{path}: only {colours.Count} colours");
    }

    private static ModelCard Card()
    {
        int[][] matrix = [[171, 9, 6], [7, 154, 29], [8, 24, 155]];
        var test = EvaluationReport.FromMatrix(Labels, matrix, 0.45);
        var folds = Enumerable.Range(0, 5).Select(_ => EvaluationReport.FromMatrix(Labels, [[30, 2, 1], [2, 25, 6], [1, 5, 28]], 0.5)).ToArray();
        return new ModelCard
        {
            Labels = Labels,
            Trainer = "sdca",
            TrainerSettings = new Dictionary<string, string>(),
            FeatureSet = "ngrams",
            Features = FeatureOptions.Default.Describe(),
            FeatureSettings = FeatureOptions.Default,
            Training = new DataFileInfo("data/stance.csv", "0123456789abcdef", 500, 0),
            Test = new DataFileInfo("data/stance-test.csv", "fedcba9876543210", test.Rows, 0),
            CrossValidation = CrossValidationSummary.From(folds, 1.5),
            TestMetrics = test,
            Seed = 1,
            MlNetVersion = "5.0.1",
            CreatedUtc = DateTimeOffset.UnixEpoch,
        };
    }
}
