using System.Globalization;
using System.Text;
using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Quantification;
using Classifier.Core.Scoring;

namespace Classifier.Scoring.Tests.Shares;

[Collection(WordModelCollection.Name)]
public sealed class SharesCommandTests(WordModel model) : IDisposable
{
    private static readonly string TestFile = Repo.File("data", "stance-test.csv");
    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    private int Shares(params string[] args) => run.Run([.. args, "--model", model.Path]);

    private static double D(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    [Fact]
    public void training_stores_the_out_of_fold_error_rates_in_the_card()
    {
        var stats = model.Card.Quantification!;
        Assert.Equal(model.Card.Labels, stats.Labels);
        Assert.Equal(model.Card.Training.Rows, stats.RowsPerLabel.Sum());
        Assert.Equal(model.Card.Training.Rows, stats.Rows.Count);
        // The counts are the cross-validation confusion matrix, and each row of both matrices sums to 1.
        for (var t = 0; t < stats.Labels.Count; t++)
        {
            Assert.Equal(model.Card.CrossValidation!.ConfusionMatrix[t], stats.ConfusionCounts[t]);
            Assert.Equal(1.0, stats.Confusion[t].Sum(), 9);
            Assert.Equal(1.0, stats.MeanProbabilities[t].Sum(), 5);
        }
        var decoded = stats.Check(model.Card.Labels, "card");
        Assert.Equal(stats.RowsPerLabel, Enumerable.Range(0, 3).Select(t => decoded.Count(r => r.Truth == t)));

        // The card on disk says the same (it is what --shares reads).
        var onDisk = ModelCard.TryRead(model.Path)!.Quantification!;
        Assert.Equal(stats.Rows.Data, onDisk.Rows.Data);
        Assert.True(new FileInfo(ModelCard.PathFor(model.Path)).Length < 1_000_000);
    }

    [Fact]
    public void shares_are_written_one_row_per_label_with_classify_and_count_beside_the_corrected_share()
    {
        var shares = run.PathOf("shares.csv");
        var code = Shares("--input", TestFile, "--shares", shares);

        Assert.Equal(ExitCodes.Success, code);
        var (header, rows) = ScoringRun.ReadCsv(shares);
        Assert.Equal(["group", "period", "label", "n", "cc_share", "share", "ci_low", "ci_high", "method", "note"], header);
        Assert.Equal(["neutral", "pro-access", "pro-privacy"], rows.Select(r => r[2]));
        Assert.All(rows, r => Assert.Equal(["all", "", "563", "pacc", ""], new[] { r[0], r[1], r[3], r[8], r[9] }));
        Assert.Equal(1.0, rows.Sum(r => D(r[4])), 5);
        Assert.Equal(1.0, rows.Sum(r => D(r[5])), 5);
        Assert.All(rows, r => Assert.True(D(r[6]) <= D(r[5]) && D(r[5]) <= D(r[7]) && D(r[7]) - D(r[6]) < 0.3));
        // No --output: only the shares file is written; the summary shows both estimates.
        Assert.Equal(["shares.csv"], run.Files());
        Assert.Contains("classify & count", run.Stderr);
        Assert.Contains("corrected (pacc)", run.Stderr);
        Assert.Contains("95% interval", run.Stderr);
    }

    [Fact]
    public void classify_and_count_in_the_shares_file_is_the_scored_outputs_label_count()
    {
        var shares = run.PathOf("shares.csv");
        var scored = run.PathOf("scored.csv");
        Assert.Equal(ExitCodes.Success, Shares("--input", TestFile, "--output", scored, "--shares", shares, "--share-method", "acc", "--quiet"));
        var (header, scoredRows) = ScoringRun.ReadCsv(scored);
        var predicted = Array.IndexOf(header, "predicted_label");
        var (_, rows) = ScoringRun.ReadCsv(shares);
        foreach (var row in rows)
        {
            Assert.Equal("acc", row[8]);
            // The shares file writes six decimals: equal within half a unit of the last one.
            var expected = scoredRows.Count(r => r[predicted] == row[2]) / 563.0;
            Assert.True(Math.Abs(expected - D(row[4])) <= 5.000001e-7, $"{row[2]}: cc_share {row[4]} vs {expected}");
        }
    }

    [Fact]
    public void a_card_without_the_statistics_fails_in_one_line_saying_to_retrain_and_writes_nothing()
    {
        var shares = run.PathOf("shares.csv");
        var code = run.Run("--input", TestFile, "--output", run.PathOf("scored.csv"), "--shares", shares, "--model", ScoringRun.ShippedModel);

        if (ModelCard.TryRead(ScoringRun.ShippedModel)?.Quantification is not null) return; // the shipped model has been retrained since
        Assert.Equal(ExitCodes.BadModel, code);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("stance.card.json", line);
        Assert.Contains("retrain", line);
        Assert.Empty(run.Files());
    }

    [Fact]
    public void the_same_seed_gives_identical_shares_whatever_the_threads_and_batches_and_another_seed_other_intervals()
    {
        string Run(string name, params string[] extra)
        {
            var path = run.PathOf(name);
            Assert.Equal(ExitCodes.Success, Shares([.. new[] { "--input", TestFile, "--shares", path, "--sentences", "--quiet" }, .. extra]));
            return File.ReadAllText(path);
        }
        var one = Run("one.csv", "--threads", "1", "--batch-size", "7");
        var two = Run("two.csv", "--threads", "2", "--batch-size", "1024");
        var mlnet = Run("mlnet.csv", "--threads", "2", "--batch-size", "64", "--engine", "mlnet");
        var reseeded = Run("seeded.csv", "--seed", "7");
        Assert.Equal(one, two);
        // ML.NET's probabilities agree with the compiled engine's to about 1e-6, so the shares agree to about that too.
        Assert.All(ScoringRun.ReadCsv(one, isText: true).Rows.Zip(ScoringRun.ReadCsv(mlnet, isText: true).Rows),
            pair => Assert.Equal(D(pair.First[5]), D(pair.Second[5]), 4));
        var (_, a) = ScoringRun.ReadCsv(one, isText: true);
        var (_, b) = ScoringRun.ReadCsv(reseeded, isText: true);
        Assert.Equal(a.Select(r => r[5]), b.Select(r => r[5])); // the estimate itself does not depend on the seed
        Assert.NotEqual(a.Select(r => r[6]), b.Select(r => r[6]));
    }

    [Fact]
    public void groups_and_periods_split_the_estimate_and_a_small_group_gets_a_note_instead_of_numbers()
    {
        var data = LabeledCsv.Read(TestFile);
        var csv = new StringBuilder("id,text,outlet,published\n");
        for (var i = 0; i < data.Rows.Count; i++)
        {
            var outlet = i < 10 ? "tiny" : i % 2 == 0 ? "daily" : "weekly";
            var date = i == 20 ? "not a date" : i % 3 == 0 ? "2019-10-04" : i % 3 == 1 ? "2020-03-15T08:00:00Z" : "2021-07";
            csv.Append(i).Append(",\"").Append(data.Rows[i].Text.Replace("\"", "\"\"")).Append("\",").Append(outlet).Append(',').Append(date).Append('\n');
        }
        var corpus = run.Write("corpus.csv", csv.ToString());
        var shares = run.PathOf("shares.csv");

        Assert.Equal(ExitCodes.Success, Shares("--input", corpus, "--shares", shares, "--group-by", "outlet", "--date-column", "published", "--period", "year"));

        var (_, rows) = ScoringRun.ReadCsv(shares);
        var groups = rows.GroupBy(r => (r[0], r[1])).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(groups.Values, g => Assert.Equal(3, g.Count));
        Assert.Contains(("daily", "2019"), groups.Keys);
        Assert.Contains(("weekly", "2021"), groups.Keys);
        Assert.Equal(data.Rows.Count, groups.Values.Sum(g => int.Parse(g[0][3], CultureInfo.InvariantCulture)));
        foreach (var ((outlet, _), g) in groups.Where(g => g.Key.Item1 == "tiny"))
            Assert.All(g, r => Assert.True(r[4] == "" && r[5] == "" && r[6] == "" && r[7] == "" && r[9].Contains("fewer than 30", StringComparison.Ordinal)));
        var undated = groups[("daily", "")];
        Assert.Equal("1", undated[0][3]);
        Assert.Contains("no readable date in 'published'", undated[0][9]);
        Assert.Contains("unreadable date (first: 'not a date' in row 21)", run.Stderr);
        Assert.True(groups[("daily", "2020")].All(r => r[5] != ""));
    }

    [Fact]
    public void with_strict_an_unreadable_date_stops_the_run_naming_the_row_and_column()
    {
        var corpus = run.Write("corpus.csv", "text,date\nBackdoors weaken everyone.,2020-01-01\nWarrants must mean something.,soon\n");
        var code = Shares("--input", corpus, "--shares", run.PathOf("shares.csv"), "--date-column", "date", "--strict");

        Assert.Equal(ExitCodes.BadInput, code);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("corpus.csv: row 2 (line 3), column 'date': 'soon' is not a date", line);
        Assert.Equal(["corpus.csv"], run.Files());
    }

    [Fact]
    public void with_sentences_each_sentence_counts()
    {
        var rows = LabeledCsv.Read(TestFile).Rows.Take(40).ToArray();
        var csv = new StringBuilder("text\n");
        for (var i = 0; i < rows.Length; i += 2) csv.Append('"').Append((rows[i].Text + " " + rows[i + 1].Text).Replace("\"", "\"\"")).Append("\"\n");
        var corpus = run.Write("pairs.csv", csv.ToString());
        var shares = run.PathOf("shares.csv");

        Assert.Equal(ExitCodes.Success, Shares("--input", corpus, "--shares", shares, "--sentences", "--quiet"));
        var expected = rows.Select(r => r.Text).Sum(t => SentenceSplitter.Split(t).Count);
        Assert.All(ScoringRun.ReadCsv(shares).Rows, r => Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), r[3]));
    }

    [Theory]
    [InlineData("--group-by", "outlet")]
    [InlineData("--share-method", "acc")]
    [InlineData("--confidence", "0.9")]
    public void share_options_without_shares_are_refused(string option, string value)
    {
        var code = Shares("--input", TestFile, "--output", run.PathOf("scored.csv"), option, value);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains($"{option} works with --shares", run.Stderr);
    }

    [Theory]
    [InlineData("--confidence", "1.5", "--confidence must be between 0 and 1")]
    [InlineData("--replicates", "1", "--replicates must be at least 2")]
    [InlineData("--min-group-size", "0", "--min-group-size must be positive")]
    [InlineData("--group-by", "outlet", "--group-by 'outlet' is not a column (columns found: 'text', 'label', 'source')")]
    public void bad_share_options_fail_in_one_line_and_write_nothing(string option, string value, string message)
    {
        var code = Shares("--input", TestFile, "--shares", run.PathOf("shares.csv"), option, value);
        Assert.NotEqual(ExitCodes.Success, code);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message, line);
        Assert.Empty(run.Files());
    }

    [Fact]
    public void error_rates_can_come_from_a_labeled_sample_instead_of_the_card()
    {
        var shares = run.PathOf("shares.csv");
        var code = Shares("--input", TestFile, "--shares", shares, "--calibration", Repo.File("data", "stance-ood.csv"));
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("error rates from the model's predictions on", run.Stderr);
        Assert.Contains("stance-ood.csv (389 labeled rows)", run.Stderr);

        var oneLabel = run.Write("one-label.csv", "text,label\nBackdoors weaken everyone.,pro-privacy\n");
        Assert.Equal(ExitCodes.BadInput, Shares("--input", TestFile, "--shares", run.PathOf("again.csv"), "--calibration", oneLabel));
        Assert.Contains("no rows labeled 'neutral', 'pro-access'", run.Stderr);
    }

    [Fact]
    public void adding_texts_to_a_group_allocates_nothing_per_text()
    {
        var estimator = new ShareEstimator(model.Card.Quantification!, model.Card.Labels, new ShareOptions(), "card");
        float[] p = [0.2f, 0.5f, 0.3f];
        // Warmed past tiered compilation's delay (100 ms), so the runtime's switch to optimized code
        // cannot fall inside the measured loop: with a 1,000-call warm-up this failed one full run of
        // the suite in several, with no allocation in the code it measures.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        var warmed = 0;
        while (warm.ElapsedMilliseconds < 500) estimator.Add("outlet", "2019", warmed++ % 3, p);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++) estimator.Add("outlet", "2019", i % 3, p);
        // Memory is per group (replicates x labels), never per text: a 10,000,000-row corpus needs no more.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024, "allocated per text");
        Assert.Equal(100_000 + warmed, estimator.Finish().Overall.N);
    }
}

[Collection(WordModelCollection.Name)]
public sealed class SharesReportTests(WordModel model) : IDisposable
{
    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    [Fact]
    public void the_report_draws_the_corrected_share_over_time_beside_classify_and_count()
    {
        var data = LabeledCsv.Read(Repo.File("data", "stance-test.csv"));
        var csv = new StringBuilder("text,published\n");
        for (var i = 0; i < data.Rows.Count; i++)
            csv.Append('"').Append(data.Rows[i].Text.Replace("\"", "\"\"")).Append("\",").Append($"2019-{1 + i % 9:00}-15").Append('\n');
        var corpus = run.Write("corpus.csv", csv.ToString());
        var report = run.PathOf("report");

        var code = run.Run("--input", corpus, "--output", run.PathOf("scored.csv"), "--shares", run.PathOf("shares.csv"),
            "--date-column", "published", "--report", report, "--model", model.Path, "--quiet");

        Assert.Equal(ExitCodes.Success, code);
        var png = Path.Combine(report, "shares-1.png");
        Assert.True(File.Exists(png));
        Assert.Equal([137, 80, 78, 71], File.ReadAllBytes(png).Take(4));
        var html = File.ReadAllText(Path.Combine(report, "index.html"));
        Assert.Contains("src=\"shares-1.png\"", html);
        Assert.Contains("Label shares, corrected", html);
        Assert.Contains("<th>all</th><td>2019-09</td>", html);
        Assert.Contains("classify and count", html);
    }

    [Fact]
    public void by_group_the_report_draws_one_chart_across_the_groups()
    {
        var data = LabeledCsv.Read(Repo.File("data", "stance-test.csv"));
        var csv = new StringBuilder("text,outlet\n");
        for (var i = 0; i < data.Rows.Count; i++) csv.Append('"').Append(data.Rows[i].Text.Replace("\"", "\"\"")).Append("\",").Append("ABCD"[i % 4]).Append('\n');
        var corpus = run.Write("corpus.csv", csv.ToString());
        var report = run.PathOf("report");

        Assert.Equal(ExitCodes.Success, run.Run("--input", corpus, "--output", run.PathOf("scored.csv"), "--shares", run.PathOf("shares.csv"),
            "--group-by", "outlet", "--report", report, "--model", model.Path, "--quiet"));

        Assert.Equal(["confidence.png", "index.html", "labels.png", "shares-1.png"], Directory.GetFiles(report).Select(Path.GetFileName).Order());
        Assert.Contains("by outlet", File.ReadAllText(Path.Combine(report, "index.html")));
    }
}
