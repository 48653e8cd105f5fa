using Classifier.Core.Model;
using Classifier.Core.Trust;
using Classifier.Training.Tests.Support;

namespace Classifier.Embeddings.Tests;

/// <summary>An embeddings model's training run writes the drift sidecar, and the drift check measures the nearest training texts with it.</summary>
[Collection(EncoderCollection.Name)]
public sealed class DriftSampleTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("fp32")]
    [InlineData("int8")]
    public void an_embeddings_model_keeps_a_training_sample_and_off_topic_text_lies_farther_from_it(string precision)
    {
        var model = _dir.File("m.zip");
        var (code, _, err) = TrainingCommand.Run("--data", _dir.Write("train.csv", Fixture.Csv(Fixture.Rows())), "--test", "none", "--ood", "none",
            "--model", model, "--folds", "2", "--features", "both", "--embeddings-precision", precision);
        Assert.True(code == 0, err);

        var card = ModelCard.TryRead(model)!;
        Assert.Equal("m.embeddings.bin", card.Drift!.EmbeddingSample);
        var sample = EmbeddingSample.Read(EmbeddingSample.PathFor(model));
        // A fifth of the rows held back to measure the baseline, the rest sampled.
        var rows = Fixture.Rows().Count;
        Assert.Equal(rows - rows / 5, sample.Length);
        Assert.Equal(384, sample[0].Length);
        Assert.True(card.Drift.EmbeddingBaseline > 0);

        var onTopic = _dir.Write("on.csv", "text\n\"Police should be able to read encrypted messages with a warrant.\"\n\"Backdoors make everyone less safe.\"\n");
        var offTopic = _dir.Write("off.csv", "text\n\"Knead the dough for ten minutes, then let it rise overnight.\"\n\"The goalkeeper saved a penalty in the final minute.\"\n");
        var loaded = ModelStore.Load(model);
        var near = DriftCheck.Run(loaded, onTopic, new DriftOptions());
        var far = DriftCheck.Run(loaded, offTopic, new DriftOptions());

        Assert.Contains(near.Signals, s => s.Name.StartsWith("nearest training text", StringComparison.Ordinal));
        Assert.True(far.MeanNearestDistance > near.MeanNearestDistance, $"off-topic {far.MeanNearestDistance}, on-topic {near.MeanNearestDistance}");
    }
}
