using Classifier.Core;
using Classifier.Insight.Tests;

namespace Classifier.Scoring.Tests;

/// <summary>The explain and suggest subcommands against the old mode flags, and the typed options' errors.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class SubcommandTests(TinyModels models)
{
    [Fact]
    public void explain_subcommand_prints_exactly_what_the_explain_flag_prints()
    {
        var flag = Score("--model", models.LinearPath, "--text", "we need warrants", "--text", "privacy matters", "--explain", "--explain-top", "3");
        var subcommand = Score("explain", "--model", models.LinearPath, "--text", "we need warrants", "--text", "privacy matters", "--top", "3");

        Assert.True(flag.Exit == 0, flag.Stderr);
        Assert.Equal(0, subcommand.Exit);
        Assert.Contains("why: privacy matters", subcommand.Stdout);
        Assert.Equal(flag.Stdout, subcommand.Stdout);
        Assert.Equal(flag.Stderr, subcommand.Stderr);
    }

    [Fact]
    public void explain_subcommand_needs_a_text()
    {
        var (exit, stdout, stderr) = Score("explain", "--model", models.LinearPath);

        Assert.Equal(ExitCodes.BadArguments, exit);
        Assert.Equal("", stdout);
        Assert.Contains("--text", stderr);
    }

    [Fact]
    public void explain_subcommand_on_a_tree_model_exits_4_like_the_flag()
    {
        var (exit, _, stderr) = Score("explain", "--model", models.TreePath, "--text", "we need warrants");

        Assert.Equal(4, exit);
        Assert.Contains("no linear weights", stderr);
    }

    [Fact]
    public void suggest_subcommand_writes_the_same_rows_as_the_suggest_flag()
    {
        var folder = models.NewFolder();
        var corpus = Path.Combine(folder, "corpus.csv");
        File.WriteAllLines(corpus, ["text,source", "warrants or privacy,web", "privacy matters,web", "the committee met,web", "\"warrants, or privacy!\",web"]);
        var byFlag = Path.Combine(folder, "flag.csv");
        var bySubcommand = Path.Combine(folder, "subcommand.csv");

        var flag = Score("--model", models.LinearPath, "--input", corpus, "--output", byFlag, "--suggest", "2", "--quiet");
        var subcommand = Score("suggest", "2", "--model", models.LinearPath, "--input", corpus, "--output", bySubcommand, "--quiet");

        Assert.True(flag.Exit == 0, flag.Stderr);
        Assert.True(subcommand.Exit == 0, subcommand.Stderr);
        Assert.Equal(File.ReadAllText(byFlag), File.ReadAllText(bySubcommand));
    }

    [Fact]
    public void suggest_subcommand_refuses_a_count_of_zero_before_reading_anything()
    {
        var folder = models.NewFolder();
        var output = Path.Combine(folder, "out.csv");

        var (exit, _, stderr) = Score("suggest", "0", "--model", models.LinearPath, "--input", Path.Combine(folder, "missing.csv"), "--output", output);

        Assert.Equal(ExitCodes.BadArguments, exit);
        Assert.Single(stderr.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("count must be positive (got 0)", stderr);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("--engine", "fast", "--engine: 'fast' is not one of auto, compiled, mlnet.")]
    [InlineData("--format", "xml", "--format: 'xml' is not one of csv, jsonl.")]
    [InlineData("--period", "day", "--period: 'day' is not one of week, month, quarter, year.")]
    [InlineData("--share-method", "cc", "--share-method: 'cc' is not one of pacc, acc.")]
    public void a_typed_option_rejects_a_bad_value_with_exit_2_and_one_error_line(string option, string value, string message)
    {
        var (exit, stdout, stderr) = Score("--model", models.LinearPath, "--text", "we need warrants", option, value);

        Assert.Equal(ExitCodes.BadArguments, exit);
        Assert.Equal("", stdout);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        Assert.Equal([$"error: {message}"], errors);
    }

    [Fact]
    public void typed_options_take_their_lower_case_names_and_help_shows_them()
    {
        var (exit, stdout, _) = Score("--help");

        Assert.Equal(0, exit);
        Assert.Contains("--engine <auto|compiled|mlnet>", stdout);
        Assert.Contains("--format <csv|jsonl>", stdout);
        Assert.Contains("[default: csv]", stdout);
        Assert.Contains("explain", stdout);
        Assert.Contains("suggest", stdout);
        Assert.Equal(0, Score("--model", models.LinearPath, "--text", "we need warrants", "--engine", "mlnet", "--format", "jsonl").Exit);
    }

    private static (int Exit, string Stdout, string Stderr) Score(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
