using System.Text.Json;
using Classifier.Core;
using Classifier.Core.Model;
using Classifier.Tests.Support;

namespace Classifier.Training.Tests;

/// <summary>The training command end to end: its output files, its errors and its exit codes.</summary>
public sealed class TrainingCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Train(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Classifier.Training.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string FixtureCsv(string name = "train.csv") => _dir.Write(name, Fixtures.Csv(Fixtures.Rows()));

    [Fact]
    public void training_writes_the_model_and_a_card_with_figures_hashes_and_counts()
    {
        var data = FixtureCsv();
        var test = _dir.Write("test.csv", Fixtures.Csv(Fixtures.Rows(perLabel: 6, seed: 99)));
        var model = _dir.File("m.zip");

        var (code, output, err) = Train("--data", data, "--test", test, "--model", model, "--folds", "3");

        Assert.True(code == 0, err);
        Assert.Contains("macro-F1", output);
        Assert.Contains("truth \\ predicted", output);
        var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(_dir.File("m.card.json")), ModelCard.Json)!;
        Assert.Equal(["neutral", "pro-access", "pro-privacy"], card.Labels);
        Assert.Equal(72, card.Training.Rows);
        Assert.Equal(18, card.Test!.Rows);
        Assert.Equal(Classifier.Core.IO.FileHash.Sha256(data), card.Training.Sha256);
        Assert.Equal(3, card.CrossValidation!.Folds);
        Assert.NotNull(card.TestMetrics);
        Assert.Equal(new FileInfo(model).Length, card.ModelBytes);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
        // What classifier-score drift compares a corpus with: the out-of-fold confidence of every row.
        Assert.Equal(72, card.Drift!.ConfidenceBins.Sum());
        Assert.InRange(card.Drift.ExpectedUnknownWordShare, 0, 1);
    }

    [Fact]
    public void auto_ranks_every_trainer_and_keeps_the_best()
    {
        var (code, output, err) = Train("--data", FixtureCsv(), "--test", "none", "--model", _dir.File("m.zip"), "--folds", "3", "--trainer", "auto");
        Assert.True(code == 0, err);
        Assert.Contains("Leaderboard", output);
        var card = ModelCard.TryRead(_dir.File("m.zip"))!;
        Assert.Equal(3, card.Leaderboard!.Count);
        Assert.Equal(card.Leaderboard[0].Trainer, card.Trainer);
        Assert.True(card.Leaderboard[0].MacroF1.Mean >= card.Leaderboard[^1].MacroF1.Mean);
    }

    [Fact]
    public void custom_column_names_are_honoured()
    {
        var data = _dir.Write("c.csv", Fixtures.Csv(Fixtures.Rows(), "sentence", "stance"));
        var (code, _, err) = Train("--data", data, "--test", "none", "--model", _dir.File("m.zip"), "--folds", "3",
            "--text-column", "sentence", "--label-column", "stance");
        Assert.True(code == 0, err);
    }

    [Fact]
    public void rows_with_empty_text_or_label_are_skipped_and_counted()
    {
        var csv = Fixtures.Csv(Fixtures.Rows()) + "\"\",neutral\n\"   \",pro-access\n\"a text with no label\",\n";
        var (code, output, err) = Train("--data", _dir.Write("e.csv", csv), "--test", "none", "--model", _dir.File("m.zip"), "--folds", "3");
        Assert.True(code == 0, err);
        Assert.Contains("skipped 3 rows: 2 with empty text, 1 with an empty label", output);
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        // name, file content (null-like "<missing>" = no file), expected words in the error
        { "missing", "<missing>", "file not found" },
        { "empty", "", "empty" },
        { "header-only", "text,label\n", "no usable rows" },
        { "no-text-column", "sentence,label\na,b\n", "no text column 'text' (columns found: 'sentence', 'label')" },
        { "no-label-column", "text,stance\na,b\n", "no label column 'label' (columns found: 'text', 'stance')" },
        { "unclosed-quote", "text,label\nok,a\n\"broken,b\nmore,c\n", "line 3" },
        { "one-label", "text,label\na,x\nb,x\nc,x\n", "at least two labels" },
        { "scarce-label", "text,label\na,x\nb,x\nc,x\nd,x\ne,x\nf,y\n", "'y' (1 rows)" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void bad_input_gets_a_one_line_error_naming_the_file_and_no_model(string name, string content, string expected)
    {
        var path = _dir.File(name + ".csv");
        if (content != "<missing>") File.WriteAllText(path, content);
        var model = _dir.File("m.zip");

        var (code, output, err) = Train("--data", path, "--test", "none", "--model", model);

        Assert.Equal(ExitCodes.BadInput, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        if (name != "one-label" && name != "scarce-label") Assert.Contains(path, line);
        Assert.DoesNotContain("   at ", err);
        Assert.False(File.Exists(model));
        Assert.False(File.Exists(_dir.File("m.card.json")));
    }

    [Theory]
    [InlineData("no-such-folder/m.zip", "does not exist")]
    [InlineData("/proc/m.zip", "not writable")]
    public void a_model_path_that_cannot_be_written_is_refused_before_training(string model, string expected)
    {
        if (!model.StartsWith('/')) model = _dir.File(model);
        var (code, output, err) = Train("--data", FixtureCsv(), "--test", "none", "--model", model);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("Cross-validating", output);
    }

    [Theory]
    [InlineData("--trainer", "xgboost")]
    [InlineData("--folds", "1")]
    [InlineData("--no-such-option", "x")]
    public void bad_arguments_exit_with_code_2(string option, string value)
    {
        var (code, _, err) = Train("--data", FixtureCsv(), "--model", _dir.File("m.zip"), option, value);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.StartsWith("error:", err);
    }

    [Fact]
    public void help_lists_every_option()
    {
        var (code, output, _) = Train("--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--data", "--test", "--model", "--text-column", "--label-column", "--trainer", "--folds", "--seed" })
            Assert.Contains(option, output);
    }
}
