using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Prediction;
using Classifier.Core.Scoring;

namespace Classifier.Embeddings.Tests;

/// <summary>The shipped both model (n-grams + MiniLM) scored by the compiled form against ML.NET's own chain.</summary>
[Collection(EncoderCollection.Name)]
public sealed class CompiledBothModelTests
{
    private const float Tolerance = 1e-4f;

    private static readonly string ModelPath = Repo.File("models", "stance-embeddings.zip");

    [Fact]
    public void the_both_model_compiles_with_its_sentence_vectors()
    {
        var scorer = new BatchScorer(ModelStore.Load(ModelPath), ScoringEngine.Auto);
        Assert.Equal("compiled", scorer.Engine);
        Assert.Null(scorer.EngineNote);
    }

    [Fact]
    public void compiled_probabilities_equal_ml_nets_on_every_test_and_ood_row()
    {
        var model = ModelStore.Load(ModelPath);
        var compiled = new BatchScorer(model, ScoringEngine.Compiled);
        var mlNet = new BatchScorer(model, ScoringEngine.MlNet);
        foreach (var file in new[] { "stance-test.csv", "stance-ood.csv" })
        {
            var texts = LabeledCsv.Read(Repo.File("data", file)).Rows.Select(r => r.Text).ToArray();
            var expected = mlNet.Score(texts);
            var actual = compiled.Score(texts);
            for (var i = 0; i < texts.Length; i++)
            {
                var worst = 0f;
                for (var k = 0; k < expected.LabelCount; k++) worst = Math.Max(worst, Math.Abs(expected.ProbabilitiesOf(i)[k] - actual.ProbabilitiesOf(i)[k]));
                Assert.True(worst <= Tolerance, $"{file} row {i + 2}: probabilities differ by {worst:E2}");
                Assert.Equal(expected.Predicted[i], actual.Predicted[i]);
            }
        }
    }

    [Fact]
    public void predict_batch_gives_what_predict_gives_row_by_row()
    {
        using var classifier = StanceClassifier.Load(ModelPath);
        var texts = new[]
        {
            "Police should be able to read the phones of suspects with a warrant.",
            "Backdoors weaken security for everyone.",
            "The committee meets on Tuesday to discuss the bill.",
            "",
            "Privacy 🔐 matters, déjà vu \u0001 control",
            string.Join(' ', Enumerable.Repeat("Encryption keeps journalists and their sources safe.", 60)),
        };
        var batch = classifier.PredictBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var one = classifier.Predict(texts[i]);
            Assert.Equal(one.Label, batch[i].Label);
            foreach (var (label, p) in one.Probabilities) Assert.True(Math.Abs(p - batch[i].Probabilities[label]) <= Tolerance, $"text {i}, {label}");
        }
    }
}
