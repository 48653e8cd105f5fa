using Classifier.Core.Contract;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Training;
using Classifier.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Tests.Training;

public sealed class ModelTrainerTests
{
    private static readonly TrainingOptions Fast = new() { Folds = 3 };

    [Fact]
    public void a_saved_model_loads_in_a_fresh_context_and_predicts_from_text_alone()
    {
        using var dir = new TempDir();
        var model = ModelTrainer.Fit(Fixtures.Rows(), Fast);
        ModelStore.Save(model, dir.File("m.zip"));

        var ml = new MLContext();
        var loaded = ml.Model.Load(dir.File("m.zip"), out var inputSchema);
        Assert.Equal([ModelSchema.Text], inputSchema.Select(c => c.Name));

        var engine = ml.Model.CreatePredictionEngine<TextOnly, Output>(loaded);
        var output = engine.Predict(new TextOnly { Text = "The court order lets police investigators use a lawful warrant." });
        Assert.Equal("pro-access", output.PredictedLabel);

        VBuffer<ReadOnlyMemory<char>> slots = default;
        engine.OutputSchema[ModelSchema.Score].GetSlotNames(ref slots);
        var names = slots.DenseValues().Select(s => s.ToString()).ToArray();
        Assert.Equal(["neutral", "pro-access", "pro-privacy"], names);
        Assert.Equal(output.Score.Max(), output.Score[Array.IndexOf(names, "pro-access")]);
        Assert.Equal(1f, output.Score.Sum(), 3);
    }

    [Theory]
    [InlineData(TrainerKind.Sdca)]
    [InlineData(TrainerKind.Lbfgs)]
    [InlineData(TrainerKind.FastTree)]
    public void each_trainer_learns_the_fixture(TrainerKind kind)
    {
        var (summary, _) = ModelTrainer.CrossValidate(Fixtures.Rows(), Fast with { Trainer = kind });
        Assert.True(summary.MacroF1.Mean > 0.9, $"{kind}: macro-F1 {summary.MacroF1}");
        Assert.Equal(3, summary.Folds);
    }

    [Fact]
    public void same_data_and_seed_give_the_same_metrics_and_probabilities()
    {
        var rows = Fixtures.Rows(perLabel: 18, seed: 5);
        var first = ModelTrainer.CrossValidate(rows, Fast).Summary;
        var second = ModelTrainer.CrossValidate(rows, Fast).Summary;
        Assert.Equal(first.MacroF1, second.MacroF1);
        Assert.Equal(first.LogLoss, second.LogLoss);

        string[] probes = ["a lawful warrant for police", "backdoor weakens everyone's security", "the report is published on tuesday"];
        var a = ModelTrainer.Predict(ModelTrainer.Fit(rows, Fast).Transformer, probes);
        var b = ModelTrainer.Predict(ModelTrainer.Fit(rows, Fast).Transformer, probes);
        Assert.Equal(a, b);
    }

    [Fact]
    public void any_label_set_of_two_or_more_labels_trains()
    {
        var rows = Fixtures.Rows().Where(r => r.Label != "neutral")
            .Select(r => new LabeledExample(r.Text, r.Label == "pro-access" ? "yes" : "no")).ToList();
        var model = ModelTrainer.Fit(rows, Fast);
        Assert.Equal(["no", "yes"], model.Labels);
    }

    [Fact]
    public void unicode_text_trains_and_predicts_without_loss()
    {
        using var dir = new TempDir();
        var rows = Fixtures.Rows().ToList();
        const string arabic = "التشفير حق أساسي للجميع";
        const string emoji = "Chiffrement de bout en bout 🔐 — c'est non négociable, façon Zoë";
        rows.Add(new LabeledExample(arabic, "pro-privacy"));
        rows.Add(new LabeledExample(emoji, "pro-privacy"));
        var path = dir.Write("u.csv", Fixtures.Csv(rows));

        var read = LabeledCsv.Read(path);
        Assert.Contains(read.Rows, r => r.Text == arabic);
        Assert.Contains(read.Rows, r => r.Text == emoji);
        var probabilities = ModelTrainer.Predict(ModelTrainer.Fit(read.Rows, Fast).Transformer, [arabic, emoji]);
        Assert.All(probabilities, p => Assert.Equal(1f, p.Sum(), 3));
    }

    [Fact]
    public void evaluation_refuses_labels_the_model_never_saw()
    {
        var model = ModelTrainer.Fit(Fixtures.Rows(), Fast);
        var e = Assert.Throws<Classifier.Core.ClassifierException>(() =>
            ModelTrainer.Evaluate(model.Transformer, [new LabeledExample("x", "other")], model.Labels, "t.csv"));
        Assert.Contains("'other'", e.Message);
    }

    private sealed class TextOnly
    {
        public string Text { get; set; } = "";
    }

    private sealed class Output
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }
}
