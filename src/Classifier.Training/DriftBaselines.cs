using Classifier.Core.Data;
using Classifier.Core.Features;
using Classifier.Core.Trust;
using Classifier.Embeddings;

namespace Classifier.Training;

/// <summary>What the training run stores for <c>classifier-score drift</c>: the card's baseline and, for embeddings models, the sidecar sample.</summary>
public static class DriftBaselines
{
    /// <summary>
    /// The baseline from the out-of-fold probabilities; with embeddings also writes
    /// <c>NAME.embeddings.bin</c> beside the model (a seeded sample of training embeddings) and records its baseline distance.
    /// </summary>
    public static DriftBaseline Build(LabeledData train, IReadOnlyList<float[]> outOfFold, IReadOnlyList<string> labels, FeatureOptions features, string modelPath, int seed)
    {
        var baseline = DriftBaseline.From(train.Rows, outOfFold, labels);
        if (!features.Set.UsesEmbeddings()) return baseline;
        var sidecar = EmbeddingSample.PathFor(modelPath);
        var distance = EmbeddingSample.Build([.. train.Rows.Select(r => r.Text)], text => SentenceEmbedder.Embed(text, features.EmbeddingsPrecision), sidecar, seed);
        return baseline with { EmbeddingSample = Path.GetFileName(sidecar), EmbeddingBaseline = distance };
    }
}
