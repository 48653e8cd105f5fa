using System.IO.Compression;
using System.Text;
using Classifier.Core;
using Microsoft.ML;

namespace Classifier.Scoring.Tests;

public sealed class BadInputTests : IDisposable
{
    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    private int Score(string input, params string[] extra) =>
        run.Run([.. new[] { "--input", input, "--output", run.PathOf("out.csv"), "--quiet" }, .. extra]);

    private void AssertOneLineError(string mustContain)
    {
        var lines = run.Stderr.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(mustContain, lines[0]);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void a_missing_model_is_a_bad_model_error_naming_the_file()
    {
        var input = run.Write("c.csv", "text\nhello\n");
        Assert.Equal(ExitCodes.BadModel, run.Run("--input", input, "--output", run.PathOf("out.csv"), "--model", run.PathOf("nope.zip")));
        AssertOneLineError("nope.zip");
        Assert.Equal(["c.csv"], run.Files());
    }

    [Fact]
    public void a_corrupt_model_zip_is_a_bad_model_error()
    {
        var model = run.WriteBytes("bad.zip", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5]);
        Assert.Equal(ExitCodes.BadModel, run.Run("--text", "hello", "--model", model));
        AssertOneLineError("bad.zip");
    }

    [Fact]
    public void a_zip_that_is_not_an_mlnet_model_is_a_bad_model_error()
    {
        var model = run.PathOf("other.zip");
        using (var zip = ZipFile.Open(model, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            writer.Write("not a model");
        }
        Assert.Equal(ExitCodes.BadModel, run.Run("--text", "hello", "--model", model));
        AssertOneLineError("other.zip");
    }

    [Fact]
    public void a_model_without_a_text_input_is_a_bad_model_error()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new BodyRow { Body = "a b" } });
        var model = run.PathOf("body.zip");
        ml.Model.Save(ml.Transforms.Text.NormalizeText("Clean", "Body").Fit(data), data.Schema, model);

        Assert.Equal(ExitCodes.BadModel, run.Run("--text", "hello", "--model", model));
        AssertOneLineError("'Text'");
    }

    [Fact]
    public void a_model_without_a_score_output_is_a_bad_model_error()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Core.Contract.TextInput { Text = "a b" } });
        var model = run.PathOf("noscore.zip");
        ml.Model.Save(ml.Transforms.Text.NormalizeText("Clean", "Text").Fit(data), data.Schema, model);

        Assert.Equal(ExitCodes.BadModel, run.Run("--text", "hello", "--model", model));
        AssertOneLineError("Score");
    }

    [Fact]
    public void a_missing_input_file_is_a_bad_input_error()
    {
        Assert.Equal(ExitCodes.BadInput, Score(run.PathOf("missing.csv")));
        AssertOneLineError("missing.csv: file not found");
        Assert.Empty(run.Files());
    }

    [Fact]
    public void an_empty_file_is_a_bad_input_error_and_leaves_no_output()
    {
        Assert.Equal(ExitCodes.BadInput, Score(run.Write("empty.csv", "")));
        AssertOneLineError("empty");
        Assert.Equal(["empty.csv"], run.Files());
    }

    [Fact]
    public void a_header_only_file_is_a_bad_input_error_and_leaves_no_output()
    {
        Assert.Equal(ExitCodes.BadInput, Score(run.Write("header.csv", "id,text\n")));
        AssertOneLineError("no rows");
        Assert.Equal(["header.csv"], run.Files());
    }

    [Fact]
    public void a_missing_text_column_is_an_error_listing_the_columns_found()
    {
        Assert.Equal(ExitCodes.BadInput, Score(run.Write("c.csv", "id,body\n1,hello\n")));
        AssertOneLineError("columns found: 'id', 'body'");
    }

    private const string Malformed =
        "id,text\n" +
        "1,Encryption protects everyone's privacy.\n" +
        "2,too,many,fields\n" +
        "3,Police must be able to read criminals' messages.\n" +
        "4,\"an unclosed quote\n";

    [Fact]
    public void malformed_rows_are_skipped_and_counted_by_default()
    {
        var code = run.Run("--input", run.Write("bad.csv", Malformed), "--output", run.PathOf("out.csv"));

        Assert.Equal(ExitCodes.Success, code);
        var (_, rows) = ScoringRun.ReadCsv(run.PathOf("out.csv"));
        Assert.Equal(["1", "3"], rows.Select(r => r[0]));
        Assert.Matches(@"malformed rows skipped\s+2", run.Stderr);
    }

    [Fact]
    public void errors_option_writes_the_line_raw_content_and_reason_of_each_skipped_row()
    {
        var errors = run.PathOf("errors.csv");

        var code = Score(run.Write("bad.csv", Malformed), "--errors", errors);

        Assert.Equal(ExitCodes.Success, code);
        var (header, rows) = ScoringRun.ReadCsv(errors);
        Assert.Equal(["line", "raw", "reason"], header);
        Assert.Equal(2, rows.Count);
        Assert.Equal(["3", "2,too,many,fields", "wrong number of fields"], rows[0]);
        Assert.Equal("5", rows[1][0]);
        Assert.Contains("an unclosed quote", rows[1][1]);
        Assert.Contains("never closed", rows[1][2]);
    }

    [Fact]
    public void strict_stops_at_the_first_malformed_row_naming_its_line_and_leaves_no_output()
    {
        var code = Score(run.Write("bad.csv", Malformed), "--strict", "--errors", run.PathOf("errors.csv"));

        Assert.Equal(ExitCodes.BadInput, code);
        AssertOneLineError("line 3");
        Assert.Equal(["bad.csv"], run.Files());
    }

    [Fact]
    public void empty_and_whitespace_texts_are_kept_with_empty_label_columns_and_counted()
    {
        var input = run.Write("c.csv", "id,text\n1,\n2,\"   \"\n3,Encryption protects everyone's privacy.\n");

        var code = run.Run("--input", input, "--output", run.PathOf("out.csv"));

        Assert.Equal(ExitCodes.Success, code);
        var (_, rows) = ScoringRun.ReadCsv(run.PathOf("out.csv"));
        Assert.Equal(3, rows.Count);
        Assert.All(rows.Take(2), r => Assert.All(r[2..], cell => Assert.Equal("", cell)));
        Assert.Equal("pro-privacy", rows[2][2]);
        Assert.Matches(@"empty text \(kept, not scored\)\s+2", run.Stderr);
    }

    [Fact]
    public void awkward_text_does_not_crash_a_one_megabyte_cell_invalid_utf8_nul_crlf_bom_and_non_english()
    {
        var big = string.Concat(Enumerable.Repeat("encryption keeps our messages private and safe. ", 1_100_000 / 48));
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetPreamble());
        bytes.AddRange(Encoding.UTF8.GetBytes("id,text\r\n1,\"" + big + "\"\r\n2,bad bytes "));
        bytes.AddRange([0xFF, 0xFE, 0xC3]);
        bytes.AddRange(Encoding.UTF8.GetBytes(" here\r\n3,nul\0inside\n4,Verschlüsselung schützt die Privatsphäre aller.\n5,加密保护每个人的隐私。\r\n"));
        var input = run.WriteBytes("awkward.csv", [.. bytes]);

        var code = Score(input);

        Assert.Equal(ExitCodes.Success, code);
        var (header, rows) = ScoringRun.ReadCsv(run.PathOf("out.csv"));
        Assert.Equal("id", header[0]);
        Assert.Equal(["1", "2", "3", "4", "5"], rows.Select(r => r[0]));
        Assert.Equal(big.Length, rows[0][1].Length);
        Assert.Contains('\uFFFD', rows[1][1]);
        Assert.Equal("nul\0inside", rows[2][1]);
        Assert.All(rows, r => Assert.NotEqual("", r[2]));
    }

    private sealed class BodyRow
    {
        public string Body { get; set; } = "";
    }
}
