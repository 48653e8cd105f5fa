using System.Globalization;
using System.Text.Json;
using Classifier.Core;

namespace Classifier.Scoring.Tests;

public sealed class WaysInTests : IDisposable
{
    private readonly ScoringRun run = new();

    private const string Corpus =
        "id,text,source\n" +
        "1,\"The police need a lawful way to read the messages of suspects, with a warrant.\",news\n" +
        "2,End-to-end encryption keeps journalists and dissidents safe from surveillance.,blog\n" +
        "3,The bill will be debated in the Senate next week.,wire\n";

    public void Dispose() => run.Dispose();

    [Fact]
    public void text_option_prints_a_table_with_label_confidence_and_every_probability_named()
    {
        var code = run.Run("--text", "Encryption protects everyone's privacy.", "--text", "Police must be able to read criminals' messages.");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("p(pro-access)", run.Stdout);
        Assert.Contains("p(pro-privacy)", run.Stdout);
        Assert.Contains("p(neutral)", run.Stdout);
        Assert.Contains("Encryption protects everyone's privacy.", run.Stdout);
        Assert.Contains("pro-privacy", run.Stdout.Split('\n').Single(l => l.StartsWith("Encryption protects", StringComparison.Ordinal)));
    }

    [Fact]
    public void standard_input_lines_are_scored_to_csv_on_standard_output()
    {
        var code = run.RunWithStandardInput("Encryption protects everyone's privacy.\nThe hearing is on Tuesday.\n", "--quiet");

        Assert.Equal(ExitCodes.Success, code);
        var (header, rows) = ScoringRun.ReadCsv(run.Stdout, isText: true);
        Assert.Equal(["text", "predicted_label", "confidence", "p_neutral", "p_pro-access", "p_pro-privacy"], header);
        Assert.Equal(2, rows.Count);
        Assert.Equal("The hearing is on Tuesday.", rows[1][0]);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void scoring_keeps_every_original_column_in_order_and_appends_label_columns_named_from_the_model()
    {
        var input = run.Write("corpus.csv", Corpus);
        var output = run.PathOf("scored.csv");

        var code = run.Run("--input", input, "--output", output);

        Assert.Equal(ExitCodes.Success, code);
        var (header, rows) = ScoringRun.ReadCsv(output);
        // Slot names of the shipped model, in its Score order (not alphabetical by assumption: read from the model).
        Assert.Equal(["id", "text", "source", "predicted_label", "confidence", "p_neutral", "p_pro-access", "p_pro-privacy"], header);
        Assert.Equal(["1", "2", "3"], rows.Select(r => r[0]));
        Assert.Equal(["news", "blog", "wire"], rows.Select(r => r[2]));
        Assert.Equal("pro-access", rows[0][3]);
        Assert.Equal("pro-privacy", rows[1][3]);
        Assert.Contains("rows read", run.Stderr);
        Assert.Contains("rows/s", run.Stderr);
    }

    [Fact]
    public void probability_columns_sum_to_one_and_confidence_is_the_predicted_labels_probability()
    {
        var input = run.Write("corpus.csv", Corpus);
        var output = run.PathOf("scored.csv");

        run.Run("--input", input, "--output", output, "--quiet");

        var (header, rows) = ScoringRun.ReadCsv(output);
        foreach (var row in rows)
        {
            var p = row[5..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 4);
            var predicted = Array.IndexOf(header, $"p_{row[3]}");
            Assert.Equal(row[predicted], row[4]);
            Assert.Equal(p.Max(), double.Parse(row[4], CultureInfo.InvariantCulture), 6);
        }
    }

    [Fact]
    public void output_dash_writes_the_scored_corpus_to_standard_output()
    {
        var input = run.Write("corpus.csv", Corpus);

        var code = run.Run("--input", input, "--output", "-", "--quiet");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(3, ScoringRun.ReadCsv(run.Stdout, isText: true).Rows.Count);
        Assert.Equal(["corpus.csv"], run.Files());
    }

    [Fact]
    public void jsonl_format_writes_one_object_per_row_with_numbers_as_numbers()
    {
        var input = run.Write("corpus.csv", Corpus);
        var output = run.PathOf("scored.jsonl");

        var code = run.Run("--input", input, "--output", output, "--format", "jsonl", "--quiet");

        Assert.Equal(ExitCodes.Success, code);
        var lines = File.ReadAllLines(output);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("1", first.RootElement.GetProperty("id").GetString());
        Assert.Equal("pro-access", first.RootElement.GetProperty("predicted_label").GetString());
        var sum = new[] { "p_neutral", "p_pro-access", "p_pro-privacy" }.Sum(n => first.RootElement.GetProperty(n).GetDouble());
        Assert.Equal(1.0, sum, 4);
    }

    [Fact]
    public void min_confidence_labels_unsure_rows_uncertain_but_still_writes_probabilities()
    {
        var input = run.Write("corpus.csv", Corpus);
        var output = run.PathOf("scored.csv");

        // 1: every row is below it (the retrained model is 99.97% sure of some of these rows).
        run.Run("--input", input, "--output", output, "--min-confidence", "1", "--quiet");

        var (_, rows) = ScoringRun.ReadCsv(output);
        Assert.All(rows, r => Assert.Equal("uncertain", r[3]));
        Assert.All(rows, r => Assert.NotEqual("", r[5]));
    }

    [Fact]
    public void a_different_text_column_can_be_named()
    {
        var input = run.Write("corpus.csv", "body,n\nEncryption protects everyone's privacy.,1\n");
        var output = run.PathOf("scored.csv");

        var code = run.Run("--input", input, "--output", output, "--text-column", "body", "--quiet");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("pro-privacy", ScoringRun.ReadCsv(output).Rows[0][2]);
    }

    [Fact]
    public void parallel_batches_write_rows_in_input_order_with_the_same_scores_as_one_thread()
    {
        var rows = string.Concat(Enumerable.Range(1, 1500).Select(i => i % 3 == 0
            ? $"{i},Police need lawful access to encrypted messages in case {i}.\n"
            : i % 3 == 1 ? $"{i},Encryption protects the privacy of user {i}.\n" : $"{i},The committee meets on day {i}.\n"));
        var input = run.Write("corpus.csv", "id,text\n" + rows);

        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("one.csv"), "--threads", "1", "--batch-size", "50", "--quiet"));
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("two.csv"), "--threads", "2", "--batch-size", "50", "--quiet"));

        var two = ScoringRun.ReadCsv(run.PathOf("two.csv")).Rows;
        Assert.Equal(Enumerable.Range(1, 1500).Select(i => i.ToString(CultureInfo.InvariantCulture)), two.Select(r => r[0]));
        Assert.Equal(File.ReadAllText(run.PathOf("one.csv")), File.ReadAllText(run.PathOf("two.csv")));
    }

    [Fact]
    public void help_describes_every_option_and_exits_zero()
    {
        var code = run.Run("--help");

        Assert.Equal(ExitCodes.Success, code);
        foreach (var option in new[] { "--model", "--text", "--input", "--output", "--text-column", "--format", "--sentences", "--aggregate", "--min-confidence", "--errors", "--strict", "--force", "--excel-safe", "--quiet" })
            Assert.Contains(option, run.Stdout);
    }

    [Fact]
    public void an_unknown_option_is_a_bad_argument()
    {
        Assert.Equal(ExitCodes.BadArguments, run.Run("--frobnicate"));
        Assert.StartsWith("error:", run.Stderr);
    }
}
