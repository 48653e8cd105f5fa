namespace Classifier.Core.Features;

/// <summary>How text becomes features. Immutable: derive variants with <c>with</c>.</summary>
public sealed record FeatureOptions
{
    /// <summary>The settings the shipped n-gram model was trained with.</summary>
    public static FeatureOptions Default { get; } = new();

    /// <summary>N-grams (default), MiniLM sentence embeddings, or both concatenated.</summary>
    public FeatureSet Set { get; init; } = FeatureSet.Ngrams;

    /// <summary>Word n-grams of length 1..WordNgramLength.</summary>
    public int WordNgramLength { get; init; } = 2;

    /// <summary>Most word n-grams kept (by frequency) so the model zip stays small.</summary>
    public int MaxWordNgrams { get; init; } = 20_000;

    /// <summary>Character n-gram lengths, each its own capped dictionary. 4 alone measured best out of domain (README).</summary>
    public IReadOnlyList<int> CharNgramLengths { get; init; } = [4];

    /// <summary>Most character n-grams kept per length.</summary>
    public int MaxCharNgrams { get; init; } = 20_000;

    /// <summary>TF-IDF rather than raw counts for every n-gram block.</summary>
    public bool UseTfIdf { get; init; } = true;

    /// <summary>The sentence encoder's weights: fp32 (default) or int8 (embeddings and both only).</summary>
    public EmbeddingsPrecision EmbeddingsPrecision { get; init; } = EmbeddingsPrecision.Fp32;

    /// <summary>One human-readable line for the model card and the training log, for example <c>word 1-2 grams (max 20,000), char 4-grams (max 20,000 each), tf-idf, L2-normalized per block</c>.</summary>
    public string Describe() => Set switch
    {
        FeatureSet.Embeddings => DescribeEmbeddings(),
        FeatureSet.Both => DescribeNgrams() + " + " + DescribeEmbeddings(),
        _ => DescribeNgrams(),
    };

    private const string EmbeddingsDescription = "all-MiniLM-L6-v2 sentence embeddings (384-dim, unit length)";

    // fp32 keeps the description models have always had; int8 says so.
    private string DescribeEmbeddings() => EmbeddingsPrecision == EmbeddingsPrecision.Int8
        ? "all-MiniLM-L6-v2 sentence embeddings (384-dim, unit length, int8 weights)"
        : EmbeddingsDescription;

    private string DescribeNgrams() =>
        $"word 1-{WordNgramLength} grams (max {MaxWordNgrams:N0}), char {string.Join("+", CharNgramLengths)}-grams " +
        $"(max {MaxCharNgrams:N0} each), {(UseTfIdf ? "tf-idf" : "tf")}, L2-normalized per block";
}
