using System.Text.Json.Serialization;

namespace Classifier.Core.Features;

/// <summary>Which feature blocks the trainer sees.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeatureSet>))]
public enum FeatureSet
{
    /// <summary>Word and character n-grams only: plain Microsoft.ML loads the model.</summary>
    Ngrams,

    /// <summary>384-dim MiniLM sentence embeddings only: loading needs Classifier.Embeddings.</summary>
    Embeddings,

    /// <summary>N-grams and embeddings concatenated: loading needs Classifier.Embeddings.</summary>
    Both,
}

internal static class FeatureSets
{
    public static IReadOnlyList<FeatureSet> All { get; } = Enum.GetValues<FeatureSet>();

    public static string Name(this FeatureSet set) => set.ToString().ToLowerInvariant();

    public static bool UsesNgrams(this FeatureSet set) => set is FeatureSet.Ngrams or FeatureSet.Both;

    public static bool UsesEmbeddings(this FeatureSet set) => set is FeatureSet.Embeddings or FeatureSet.Both;

    public static bool TryParse(string name, out FeatureSet set) =>
        Enum.TryParse(name, ignoreCase: true, out set) && Enum.IsDefined(set);
}
