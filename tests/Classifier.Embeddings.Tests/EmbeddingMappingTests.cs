using Classifier.Core.Contract;
using Classifier.Embeddings;
using Microsoft.ML;

namespace Classifier.Embeddings.Tests;

[Collection(EncoderCollection.Name)]
public sealed class EmbeddingMappingTests
{
    private sealed class EmbeddingOnly
    {
        public float[] Embedding { get; set; } = [];
    }

    [Fact]
    public void the_mapping_gives_a_384_dim_unit_vector_per_row()
    {
        var ml = new MLContext();
        var texts = new[] { "Police want access to encrypted phones.", "", "Ünïcode   accents\tand\nwhitespace." };
        var view = ml.Data.LoadFromEnumerable(texts.Select(t => new TextInput { Text = t }));

        var mapped = EmbeddingMapping.Create(ml).Fit(view).Transform(view);
        var vectors = ml.Data.CreateEnumerable<EmbeddingOnly>(mapped, reuseRowObject: false).Select(r => r.Embedding).ToArray();

        Assert.Equal(SentenceEmbedder.Dimension, ((Microsoft.ML.Data.VectorDataViewType)mapped.Schema[EmbeddingMapping.OutputColumn].Type).Size);
        Assert.Equal(3, vectors.Length);
        foreach (var v in vectors)
        {
            Assert.Equal(384, v.Length);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), precision: 4);
        }
    }

    [Fact]
    public void similar_sentences_are_closer_than_unrelated_ones()
    {
        var a = SentenceEmbedder.Embed("The police want to read encrypted messages.");
        var b = SentenceEmbedder.Embed("Law enforcement wants access to encrypted chats.");
        var c = SentenceEmbedder.Embed("The football match ended in a draw.");
        Assert.True(Dot(a, b) > Dot(a, c) + 0.2);
    }

    [Fact]
    public void primed_texts_come_from_the_cache_and_others_are_encoded_without_being_cached()
    {
        var primed = "A primed sentence about warrants and phones.";
        SentenceEmbedder.Prime([primed]);
        var cached = SentenceEmbedder.CachedCount;

        Assert.Same(SentenceEmbedder.Embed(primed), SentenceEmbedder.Embed("  A primed sentence about   warrants and phones. "));
        var missA = SentenceEmbedder.Embed("A sentence nobody primed.");
        var missB = SentenceEmbedder.Embed("A sentence nobody primed.");
        Assert.NotSame(missA, missB);
        Assert.Equal(missA, missB);
        Assert.Equal(cached, SentenceEmbedder.CachedCount);
    }

    [Fact]
    public void priming_stops_at_the_cache_limit_and_texts_beyond_it_are_encoded_when_used()
    {
        var limit = SentenceEmbedder.CacheLimit;
        SentenceEmbedder.ClearCache();
        try
        {
            SentenceEmbedder.CacheLimit = 2;
            SentenceEmbedder.Prime(["One primed sentence.", "Two primed sentences.", "Three primed sentences.", "Four primed sentences."]);
            Assert.Equal(2, SentenceEmbedder.CachedCount);

            var encoded = SentenceEmbedder.EncodedCount;
            foreach (var text in new[] { "One primed sentence.", "Two primed sentences.", "Three primed sentences.", "Four primed sentences." })
                Assert.Equal(SentenceEmbedder.Dimension, SentenceEmbedder.Embed(text).Length);
            // Two came from the cache, two were encoded again.
            Assert.Equal(encoded + 2, SentenceEmbedder.EncodedCount);
            Assert.Equal(2, SentenceEmbedder.CachedCount);
        }
        finally
        {
            SentenceEmbedder.CacheLimit = limit;
            SentenceEmbedder.ClearCache();
        }
    }

    [Fact]
    public void core_finds_minilm_once_this_assembly_is_referenced()
    {
        var embeddings = Classifier.Core.Features.SentenceEmbeddings.Current;
        Assert.Same(MiniLmEmbeddings.Instance, embeddings);
        Assert.Equal(EmbeddingMapping.OutputColumn, embeddings!.OutputColumn);
    }

    [Theory]
    [InlineData("line1\nline2\ttab", "line1 line2 tab")]
    [InlineData("  café naïve Zürich  ", "cafe naive Zurich")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void text_is_cleaned_for_the_minilm_tokenizer(string? input, string expected) =>
        Assert.Equal(expected, EmbeddingText.Clean(input));

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
