using System.Text;
using Classifier.Core;
using Classifier.Faults.Tests.Support;

namespace Classifier.Faults.Tests.WeakSpots;

/// <summary>Reproductions 15-17: errors that keep what the user needs, name the file, and say what is wrong.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly Commands run = new();

    public void Dispose() => run.Dispose();

    [Fact]
    public void when_every_row_is_malformed_the_errors_file_is_kept()
    {
        var input = run.Write("c.csv", "id,text\n1,\"a\"b\n2,x,y\n");
        var errors = run.PathOf("errors.csv");

        Assert.Equal(ExitCodes.BadInput, run.Score("--input", input, "--output", run.PathOf("out.csv"), "--errors", errors));

        Assert.Contains("all 2 data rows are malformed", run.Stderr);
        Assert.Equal(3, File.ReadAllLines(errors).Length);
        Assert.False(File.Exists(run.PathOf("out.csv")));
    }

    [Fact]
    public void the_too_few_rows_error_names_the_training_file()
    {
        var data = run.Write("few.csv", "text,label\nPolice need access.,pro-access\nEncryption matters.,pro-privacy\n");

        Assert.Equal(ExitCodes.BadInput, run.Train("--data", data, "--test", "none", "--ood", "none", "--model", run.PathOf("m.zip")));
        Assert.StartsWith($"error: {data}: ", run.Stderr);
        Assert.Contains("fewer rows than", run.Stderr);
    }

    [Fact]
    public void a_utf16_file_without_a_bom_is_called_utf16_not_a_missing_column()
    {
        var input = run.PathOf("utf16.csv");
        File.WriteAllBytes(input, new UnicodeEncoding(bigEndian: false, byteOrderMark: false).GetBytes("text\nhello\n"));

        Assert.Equal(ExitCodes.BadInput, run.Score("--input", input, "--output", run.PathOf("out.csv")));
        Assert.Contains("UTF-16", run.Stderr);
        Assert.Equal(ExitCodes.BadInput, run.Train("--data", input, "--test", "none", "--ood", "none", "--model", run.PathOf("m.zip")));
        Assert.Contains("UTF-16", run.Stderr);
    }

    [Fact]
    public void a_model_path_that_is_a_folder_is_called_a_folder()
    {
        Assert.Equal(ExitCodes.BadModel, run.Score("--model", run.Folder, "--text", "hello"));
        Assert.Contains("is a folder", run.Stderr);
    }

    [Fact]
    public void rescoring_a_scored_file_replaces_the_earlier_columns_instead_of_duplicating_them()
    {
        var input = run.Write("c.csv", "text\nPolice need warrants.\n");
        Assert.Equal(0, run.Score("--input", input, "--output", run.PathOf("once.csv"), "--quiet"));
        Assert.Equal(0, run.Score("--input", run.PathOf("once.csv"), "--output", run.PathOf("twice.csv"), "--quiet"));
        Assert.Equal(0, run.Score("--input", run.PathOf("once.csv"), "--output", run.PathOf("twice.jsonl"), "--format", "jsonl", "--quiet"));

        var header = File.ReadAllLines(run.PathOf("twice.csv"))[0].Split(',');
        Assert.Equal(header.Distinct().Count(), header.Length);
        Assert.Equal(File.ReadAllLines(run.PathOf("once.csv"))[0], File.ReadAllLines(run.PathOf("twice.csv"))[0]);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllLines(run.PathOf("twice.jsonl"))[0]);
        Assert.Equal(1, json.RootElement.EnumerateObject().Count(p => p.Name == "predicted_label"));
    }

    [Fact]
    public void text_mode_refuses_a_nan_min_confidence()
    {
        Assert.Equal(ExitCodes.BadArguments, run.Score("--text", "hello", "--min-confidence", "NaN"));
        Assert.Contains("--min-confidence", run.Stderr);
    }

    [Fact]
    public void a_byte_order_mark_at_the_start_of_standard_input_is_not_part_of_the_text()
    {
        Assert.Equal(0, run.ScoreWithInput("\uFEFFPolice need warrants.\n", "--quiet"));
        Assert.Contains("\nPolice need warrants.,", run.Stdout);
        // Ordinal: a culture-aware search ignores the zero-width mark and finds it everywhere.
        Assert.Equal(-1, run.Stdout.IndexOf('\uFEFF'));
    }
}
