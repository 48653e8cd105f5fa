using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.PlainMlNet.Tests;

// An app that references only Microsoft.ML: these classes and lines are the README's example.
public sealed class Input
{
    public string Text { get; set; } = "";
}

public sealed class Output
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}

public sealed class PlainMlNetTests
{
    [Fact]
    public void the_shipped_model_loads_and_predicts_with_plain_ml_net()
    {
        var modelPath = Path.Combine(RepoRoot(), "models", "stance.zip");

        // --- README: plain ML.NET ---
        var ml = new MLContext();
        var model = ml.Model.Load(modelPath, out var inputSchema);
        var engine = ml.Model.CreatePredictionEngine<Input, Output>(model, inputSchema);
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        model.GetOutputSchema(inputSchema)["Score"].GetSlotNames(ref slotNames);
        var labels = slotNames.DenseValues().Select(n => n.ToString()).ToArray();

        var output = engine.Predict(new Input { Text = "Backdoors for the police would weaken encryption for everyone." });
        var probabilities = labels.Zip(output.Score).ToDictionary(p => p.First, p => p.Second);
        Console.WriteLine($"{output.PredictedLabel} ({probabilities[output.PredictedLabel]:P0})");
        // --- end ---

        Assert.Equal(["neutral", "pro-access", "pro-privacy"], labels.Order());
        Assert.Equal(probabilities.MaxBy(p => p.Value).Key, output.PredictedLabel);
        Assert.Equal(1.0, output.Score.Sum(), precision: 4);
    }

    [Fact]
    public void plain_ml_net_predictions_match_the_held_out_labels_as_the_card_says()
    {
        var root = RepoRoot();
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(root, "models", "stance.zip"), out _);
        var test = ml.Data.LoadFromTextFile<TestRow>(Path.Combine(root, "data", "stance-test.csv"), separatorChar: ',', hasHeader: true, allowQuoting: true);

        var rows = ml.Data.CreateEnumerable<TestRow>(test, reuseRowObject: false).ToArray();
        var predicted = ml.Data.CreateEnumerable<Output>(model.Transform(test), reuseRowObject: false).ToArray();

        var accuracy = rows.Zip(predicted).Count(p => p.First.Label == p.Second.PredictedLabel) / (double)rows.Length;
        // The card reports 0.85 test accuracy; a wrong label mapping would land near 1/3.
        Assert.True(accuracy > 0.75, $"accuracy {accuracy:F3}");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Classifier.sln"))) return dir.FullName;
        throw new InvalidOperationException("Classifier.sln not found above " + AppContext.BaseDirectory);
    }

    public sealed class TestRow
    {
        [LoadColumn(0)]
        public string Text { get; set; } = "";

        [LoadColumn(1)]
        public string Label { get; set; } = "";
    }
}
