using System.Globalization;
using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Training;

namespace Classifier.Scoring.Tests;

/// <summary>--engine: the compiled form and ML.NET write the same answers; a model without a compiled form is named as such.</summary>
public sealed class EngineOptionTests : IDisposable
{
    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    [Fact]
    public void compiled_and_mlnet_engines_write_the_same_labels_and_probabilities_for_the_test_set()
    {
        var input = Repo.File("data", "stance-test.csv");

        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("compiled.csv"), "--engine", "compiled"));
        Assert.Contains("compiled", run.Stderr.Split('\n').Single(l => l.StartsWith("engine", StringComparison.Ordinal)));
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("mlnet.csv"), "--engine", "mlnet"));
        Assert.Contains("ml.net", run.Stderr.Split('\n').Single(l => l.StartsWith("engine", StringComparison.Ordinal)));

        var (header, compiled) = ScoringRun.ReadCsv(run.PathOf("compiled.csv"));
        var (_, mlnet) = ScoringRun.ReadCsv(run.PathOf("mlnet.csv"));
        var label = Array.IndexOf(header, "predicted_label");
        Assert.True(compiled.Count > 500);
        Assert.Equal(mlnet.Select(r => r[label]), compiled.Select(r => r[label]));
        for (var i = 0; i < compiled.Count; i++)
        {
            for (var j = label + 1; j < header.Length; j++)
                Assert.True(Math.Abs(Parse(compiled[i][j]) - Parse(mlnet[i][j])) <= 2e-6, $"row {i + 1}, {header[j]}: {compiled[i][j]} vs {mlnet[i][j]}");
        }
    }

    [Fact]
    public void engine_compiled_refuses_a_model_without_a_compiled_form_naming_the_model()
    {
        var input = run.Write("corpus.csv", "text\nEncryption protects everyone.\n");
        // A tree model: no compiled form (the embeddings model has one since the batched path).
        var rows = Enumerable.Range(0, 40).Select(i => new LabeledExample($"sentence {i} about {(i % 2 == 0 ? "warrants for police" : "encryption for privacy")}", i % 2 == 0 ? "pro-access" : "pro-privacy")).ToArray();
        var model = run.PathOf("trees.zip");
        ModelStore.Save(ModelTrainer.Fit(rows, new TrainingOptions { Trainer = TrainerKind.FastTree }), model);

        var code = run.Run("--input", input, "--output", run.PathOf("out.csv"), "--engine", "compiled", "--model", model);

        Assert.Equal(ExitCodes.BadModel, code);
        Assert.StartsWith($"error: {model}: the model cannot be compiled:", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("out.csv", run.Files());
    }

    [Fact]
    public void unknown_engine_is_a_usage_error()
    {
        var code = run.Run("--text", "Encryption protects everyone.", "--engine", "fast");

        Assert.Equal(ExitCodes.BadArguments, code);
    }

    private static double Parse(string value) => double.Parse(value, CultureInfo.InvariantCulture);
}
