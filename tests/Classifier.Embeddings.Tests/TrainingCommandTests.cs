using Classifier.Core;
using Classifier.Core.Calibration;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Training;
using Classifier.Training.Tests.Support;
using CsvHelper;
using Microsoft.ML;

namespace Classifier.Embeddings.Tests;

/// <summary>Training with --features embeddings|both end to end on a small sentence fixture: the model saves, loads and predicts.</summary>
[Collection(EncoderCollection.Name)]
public sealed class TrainingCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string TrainCsv() => _dir.Write("train.csv", Fixture.Csv(Fixture.Rows()));

    [Theory]
    [InlineData("embeddings")]
    [InlineData("both")]
    public void an_embeddings_model_saves_loads_through_the_model_store_and_predicts(string features)
    {
        var model = _dir.File("m.zip");

        var (code, output, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--ood", "none", "--model", model, "--folds", "2", "--features", features);

        Assert.True(code == 0, err);
        Assert.Contains("all-MiniLM-L6-v2", output);
        Assert.Equal(features, ModelCard.TryRead(model)!.FeatureSet);
        var loaded = ModelStore.Load(model);
        Assert.Equal(["neutral", "pro-access", "pro-privacy"], loaded.Labels);
        var probabilities = ModelTrainer.Predict(loaded.Transformer,
        [
            "Detectives should be allowed to read a suspect's encrypted chats once a judge signs off.",
            "Creating a master key for governments would leave all of us exposed to criminals.",
            "The city council approved the new bus timetable on Monday.",
        ]);
        var predicted = probabilities.Select(p => loaded.Labels[Array.IndexOf(p, p.Max())]).ToArray();
        Assert.Equal(["pro-access", "pro-privacy", "neutral"], predicted);
    }

    [Fact]
    public void an_int8_both_model_records_its_precision_and_compiles_with_the_int8_encoder()
    {
        var model = _dir.File("int8.zip");

        var (code, output, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--ood", "none", "--model", model, "--folds", "2", "--features", "both", "--embeddings-precision", "int8");

        Assert.True(code == 0, err);
        Assert.Contains("(int8)", output);
        var card = ModelCard.TryRead(model)!;
        Assert.Equal(Classifier.Core.Features.EmbeddingsPrecision.Int8, card.FeatureSettings.EmbeddingsPrecision);
        Assert.Contains("int8 weights", card.Features);
        Assert.Contains("\"embeddingsPrecision\": \"Int8\"", File.ReadAllText(ModelCard.PathFor(model)));
        var loaded = ModelStore.Load(model);
        Assert.NotNull(loaded.OutputSchema.GetColumnOrNull(EmbeddingMapping.Int8OutputColumn));
        var scorer = new Classifier.Core.Scoring.BatchScorer(loaded, Classifier.Core.Scoring.ScoringEngine.Compiled);
        Assert.Equal("compiled", scorer.Engine);
    }

    [Fact]
    public void int8_precision_without_embeddings_is_a_one_line_error()
    {
        var (code, _, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--ood", "none", "--model", _dir.File("n.zip"), "--features", "ngrams", "--embeddings-precision", "int8");

        Assert.NotEqual(0, code);
        Assert.Equal("--embeddings-precision int8 needs --features embeddings or both.", err.Trim().Replace("error: ", ""));
        Assert.False(File.Exists(_dir.File("n.zip")));
    }

    [Fact]
    public void a_model_of_the_retired_int8_encoder_is_refused_with_what_to_do()
    {
        var model = _dir.File("retired.zip");
        EmbeddingMapping.Int8ContractForNewModels = EmbeddingMapping.RetiredInt8ContractName;
        try
        {
            var (code, _, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--ood", "none", "--model", model, "--folds", "2", "--features", "both", "--embeddings-precision", "int8");
            Assert.True(code == 0, err);
        }
        finally
        {
            EmbeddingMapping.Int8ContractForNewModels = EmbeddingMapping.Int8ContractName;
        }

        var error = Assert.Throws<ClassifierException>(() => ModelStore.Load(model));
        Assert.Contains(EmbeddingMapping.RetiredInt8Message, error.Message);
        Assert.StartsWith(model, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void both_features_default_to_int8_and_ngrams_keep_fp32_on_the_card()
    {
        var both = _dir.File("both.zip");
        var (code, _, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--ood", "none", "--model", both, "--folds", "2", "--features", "both");
        Assert.True(code == 0, err);
        Assert.Equal(Classifier.Core.Features.EmbeddingsPrecision.Int8, ModelCard.TryRead(both)!.FeatureSettings.EmbeddingsPrecision);

        var ngrams = _dir.File("ngrams.zip");
        (code, _, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--ood", "none", "--model", ngrams, "--folds", "2");
        Assert.True(code == 0, err);
        Assert.Equal(Classifier.Core.Features.EmbeddingsPrecision.Fp32, ModelCard.TryRead(ngrams)!.FeatureSettings.EmbeddingsPrecision);
    }
}
