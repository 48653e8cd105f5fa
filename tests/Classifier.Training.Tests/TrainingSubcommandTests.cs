using Classifier.Core;

namespace Classifier.Training.Tests;

/// <summary>classifier-train's typed options and subcommands, checked without training anything.</summary>
public sealed class TrainingSubcommandTests
{
    [Theory]
    [InlineData("--trainer", "bogus", "--trainer: 'bogus' is not one of sdca, lbfgs, fasttree, auto.")]
    [InlineData("--features", "words", "--features: 'words' is not one of ngrams, embeddings, both.")]
    [InlineData("--embeddings-precision", "fp16", "--embeddings-precision: 'fp16' is not one of fp32, int8.")]
    [InlineData("--calibrate", "platt", "--calibrate: 'platt' is not one of none, temperature.")]
    public void a_typed_option_rejects_a_bad_value_with_exit_2_and_one_error_line(string option, string value, string message)
    {
        var (code, output, error) = Train(option, value);

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Equal("", output);
        Assert.Equal([$"error: {message}"], error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public void audit_takes_the_same_typed_trainer_names()
    {
        var (code, _, error) = Train("audit", "--output", "x.csv", "--trainer", "Bogus");

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("error: --trainer: 'Bogus' is not one of sdca, lbfgs, fasttree.", error);
    }

    [Fact]
    public void help_names_the_subcommands_and_the_lower_case_values()
    {
        var (code, output, _) = Train("--help");

        Assert.Equal(0, code);
        Assert.Contains("--trainer <sdca|lbfgs|fasttree|auto>", output);
        Assert.Contains("[default: ngrams]", output);
        Assert.Contains("audit", output);
        Assert.Contains("agreement", output);
    }

    private static (int Code, string Output, string Error) Train(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
