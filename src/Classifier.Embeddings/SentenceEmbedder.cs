using System.Collections.Concurrent;
using Classifier.Core.Features;
using Classifier.Embeddings.Batched;

namespace Classifier.Embeddings;

/// <summary>
/// The process-wide all-MiniLM-L6-v2 encoders (one per precision, made on first use: ~0.5 s and
/// ~100 MB each) and a cache of primed vectors. Training primes the cache with batched encoding so
/// cross-validation folds and the final fit encode each distinct text once; scoring misses fall back
/// to encoding the row alone and are not cached, so a long-running service does not grow. The cache
/// holds at most <see cref="CacheLimit"/> vectors (1.5 KiB each) over both precisions: texts primed
/// beyond it are encoded again when used. Batch scoring does not go through the cache row by row: it
/// calls <see cref="EmbedBatch"/>.
/// </summary>
public static class SentenceEmbedder
{
    /// <summary>Length of every vector.</summary>
    public const int Dimension = MiniLmEncoder.Dimension;

    /// <summary>The default <see cref="CacheLimit"/>: 100,000 vectors, about 150 MB.</summary>
    public const int DefaultCacheLimit = 100_000;

    private static int _cacheLimit = DefaultCacheLimit;
    private static readonly Precision[] Precisions = [new(EmbeddingsPrecision.Fp32), new(EmbeddingsPrecision.Int8)];
    private static long _encoded;

    /// <summary>Texts run through an encoder since the process started (to check the cache works).</summary>
    public static long EncodedCount => Interlocked.Read(ref _encoded);

    /// <summary>Vectors in the cache now.</summary>
    public static int CachedCount => Precisions.Sum(p => p.Cache.Count);

    /// <summary>Most vectors the cache keeps (process-wide); priming stops adding at the limit.</summary>
    public static int CacheLimit
    {
        get => Volatile.Read(ref _cacheLimit);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _cacheLimit, value);
        }
    }

    /// <summary>The batched encoder of one precision (made on first use).</summary>
    public static MiniLmEncoder Encoder(EmbeddingsPrecision precision = EmbeddingsPrecision.Fp32) => Of(precision).Encoder.Value;

    /// <summary>The unit-length embedding of one text: from the cache when primed, else encoded now.</summary>
    public static float[] Embed(string? text, EmbeddingsPrecision precision = EmbeddingsPrecision.Fp32)
    {
        var state = Of(precision);
        var clean = EmbeddingText.Clean(text);
        if (state.Cache.TryGetValue(clean, out var vector)) return vector;
        Interlocked.Increment(ref _encoded);
        // Encode is thread-safe, so parallel cursors may call it.
        return state.Encoder.Value.Encode([clean])[0];
    }

    /// <summary>
    /// Text i's unit-length embedding at <c>output[i * Dimension ..]</c> for the first
    /// <paramref name="count"/> texts: cached vectors where primed, the rest encoded in batches
    /// (each distinct text once), none added to the cache.
    /// </summary>
    public static void EmbedBatch(IReadOnlyList<string> texts, int count, float[] output, EmbeddingsPrecision precision = EmbeddingsPrecision.Fp32, CancellationToken cancellationToken = default)
    {
        if (output.Length < count * Dimension) throw new ArgumentException($"room for {count} vectors is needed", nameof(output));
        var state = Of(precision);
        var missing = new List<string>();
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var where = new int[count];
        for (var i = 0; i < count; i++)
        {
            var clean = EmbeddingText.Clean(texts[i]);
            if (state.Cache.TryGetValue(clean, out var cached))
            {
                cached.CopyTo(output, i * Dimension);
                where[i] = -1;
                continue;
            }
            if (!slots.TryGetValue(clean, out var slot))
            {
                slot = missing.Count;
                slots[clean] = slot;
                missing.Add(clean);
            }
            where[i] = slot;
        }
        if (missing.Count == 0) return;
        // Every text distinct and uncached (the usual case): straight into the output.
        if (missing.Count == count)
        {
            state.Encoder.Value.Encode(missing, output, cancellationToken);
            Interlocked.Add(ref _encoded, count);
            return;
        }
        var encoded = new float[missing.Count * Dimension];
        state.Encoder.Value.Encode(missing, encoded, cancellationToken);
        Interlocked.Add(ref _encoded, missing.Count);
        for (var i = 0; i < count; i++)
        {
            if (where[i] >= 0) Array.Copy(encoded, where[i] * Dimension, output, i * Dimension, Dimension);
        }
    }

    /// <summary>
    /// Encodes the distinct texts not yet cached, in batches, as many as the room left under
    /// <see cref="CacheLimit"/>; the rest are encoded when used.
    /// </summary>
    public static void Prime(IEnumerable<string> texts, CancellationToken cancellationToken = default) =>
        Prime(texts, EmbeddingsPrecision.Fp32, cancellationToken);

    /// <inheritdoc cref="Prime(IEnumerable{string}, CancellationToken)"/>
    public static void Prime(IEnumerable<string> texts, EmbeddingsPrecision precision, CancellationToken cancellationToken = default)
    {
        var state = Of(precision);
        var room = Math.Max(0, CacheLimit - CachedCount);
        var missing = texts.Select(EmbeddingText.Clean).Distinct(StringComparer.Ordinal).Where(t => !state.Cache.ContainsKey(t)).Take(room).ToArray();
        if (missing.Length == 0) return;
        // In chunks, so that cancelling or a cache filled by a parallel primer stops work early.
        const int Chunk = 4096;
        var encoder = state.Encoder.Value;
        for (var start = 0; start < missing.Length; start += Chunk)
        {
            var chunk = missing[start..Math.Min(start + Chunk, missing.Length)];
            var vectors = encoder.Encode(chunk, cancellationToken);
            Interlocked.Add(ref _encoded, chunk.Length);
            // Checked per vector as well: parallel primers share the room.
            for (var i = 0; i < chunk.Length && CachedCount < CacheLimit; i++) state.Cache[chunk[i]] = vectors[i];
        }
    }

    /// <summary>Drops the primed vectors (training calls it when done).</summary>
    public static void ClearCache()
    {
        foreach (var p in Precisions) p.Cache.Clear();
    }

    private static Precision Of(EmbeddingsPrecision precision) => Precisions[(int)precision];

    private sealed class Precision(EmbeddingsPrecision precision)
    {
        public Lazy<MiniLmEncoder> Encoder { get; } = new(() => new MiniLmEncoder(precision), LazyThreadSafetyMode.ExecutionAndPublication);

        public ConcurrentDictionary<string, float[]> Cache { get; } = new(StringComparer.Ordinal);
    }
}
