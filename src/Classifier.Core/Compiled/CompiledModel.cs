using System.Runtime.CompilerServices;
using Classifier.Core.Features;

namespace Classifier.Core.Compiled;

/// <summary>
/// One n-gram block of the featurizer (word n-grams, or character n-grams of one length): its
/// dictionary from packed n-gram to slot, its idf weights, and where its slots sit in Features.
/// Each block is L2-normalized on its own, as the ML.NET chain does.
/// </summary>
internal sealed class NgramBlock(int offset, int length, IReadOnlyDictionary<ulong, int> slots, float[] weights, int minLength, int maxLength, int bits)
{
    /// <summary>First slot of this block in the Features vector.</summary>
    public int Offset { get; } = offset;

    public int Length { get; } = length;

    /// <summary>Packed n-gram (token ids, <see cref="Bits"/> each, first token highest) to block-local slot.</summary>
    public NgramTable Slots { get; } = new(slots);

    /// <summary>Per slot: the tf-idf weight (1 for plain counts).</summary>
    public float[] Weights { get; } = weights;

    public int MinLength { get; } = minLength;

    public int MaxLength { get; } = maxLength;

    public int Bits { get; } = bits;

    /// <summary>
    /// Block-local slot of each single token by id (-1: none), when the block counts single tokens and
    /// ids are small (words): an array read instead of a table lookup for the commonest n-grams.
    /// </summary>
    public int[]? Unigrams { get; } = BuildUnigrams(slots, minLength, bits);

    private static int[]? BuildUnigrams(IReadOnlyDictionary<ulong, int> slots, int minLength, int bits)
    {
        if (minLength != 1 || bits > 24) return null;
        var unigrams = new int[1 << bits];
        Array.Fill(unigrams, -1);
        foreach (var (key, slot) in slots)
        {
            if (key < (ulong)unigrams.Length) unigrams[key] = slot;
        }
        return unigrams;
    }

    /// <summary>
    /// Packs tokens into one key. Ids are never 0 (0 is an unknown token), so n-grams of different
    /// lengths never share a key.
    /// </summary>
    public static ulong Pack(ReadOnlySpan<int> ids, int bits)
    {
        ulong key = 0;
        foreach (var id in ids) key = (key << bits) | (uint)id;
        return key;
    }
}

/// <summary>
/// The sentence-embedding block of a <c>both</c> model: where its slots sit in Features and the
/// registered batched encoder that computes them (Classifier.Embeddings), so Core runs no encoder itself.
/// </summary>
internal sealed class DenseBlock(int offset, int length, string column, ISentenceVectors vectors)
{
    public int Offset { get; } = offset;

    public int Length { get; } = length;

    /// <summary>The model's vector column (Embedding, EmbeddingInt8).</summary>
    public string Column { get; } = column;

    public ISentenceVectors Vectors { get; } = vectors;
}

/// <summary>
/// A linear n-gram text classifier compiled from the ML.NET chain that <see cref="Features.TextFeaturizer"/>
/// builds (normalize, tokenize, n-gram tf-idf per block, L2 per block, multiclass logistic regression),
/// fused into one pass over the text with no per-row allocations. It computes the same probabilities
/// as the chain (checked when it is built, see <see cref="ModelCompiler"/>); it is a faster way to
/// run a loaded model, never a model of its own: the zip stays the ML.NET model.
/// Thread-safe: per-call state lives in a <see cref="Workspace"/> each thread owns.
/// </summary>
internal sealed class CompiledModel
{
    private const char StartMarker = '\u0002';
    private const char EndMarker = '\u0003';

    private readonly bool[] separator = new bool[char.MaxValue + 1];
    private readonly WordTable words;
    private readonly NgramBlock wordBlock;
    private readonly NgramBlock[] charBlocks;
    private readonly DenseBlock? dense;
    // Per feature f, at f * stride: its tf-idf weight (set by Freeze), then its weight for each
    // label, side by side so that one cache line serves both.
    private readonly float[] packed;
    private readonly int stride;
    private readonly float[] biases;

    /// <param name="labelWeights">Feature-major, <see cref="PackedStride"/> floats per feature, the first left for the n-gram weight.</param>
    /// <param name="labels">Label names in Score order.</param>
    /// <param name="separators">The characters the word tokenizer splits on.</param>
    /// <param name="vocabulary">Word to word id.</param>
    /// <param name="wordBlock">The word n-gram block.</param>
    /// <param name="charBlocks">One block per character n-gram length.</param>
    /// <param name="biases">One bias per label.</param>
    /// <param name="dense">The sentence-embedding block of a <c>both</c> model; null for an n-gram model.</param>
    internal CompiledModel(IReadOnlyList<string> labels, IEnumerable<char> separators, Dictionary<string, int> vocabulary,
        NgramBlock wordBlock, NgramBlock[] charBlocks, float[] labelWeights, float[] biases, DenseBlock? dense = null)
    {
        Labels = labels;
        foreach (var c in separators) separator[c] = true;
        words = new WordTable(vocabulary);
        this.wordBlock = wordBlock;
        this.charBlocks = charBlocks;
        packed = labelWeights;
        stride = PackedStride(labels.Count);
        this.biases = biases;
        this.dense = dense;
        FeatureCount = wordBlock.Length + charBlocks.Sum(b => b.Length) + (dense?.Length ?? 0);
    }

    /// <summary>Floats per feature in the packed parameters: the n-gram weight, then one per label.</summary>
    internal static int PackedStride(int labelCount) => labelCount + 1;

    /// <summary>Label names in Score slot order.</summary>
    public IReadOnlyList<string> Labels { get; }

    public int LabelCount => Labels.Count;

    public int FeatureCount { get; }

    /// <summary>Scratch buffers for one thread.</summary>
    public Workspace CreateWorkspace() => new(FeatureCount);

    /// <summary>
    /// The batched sentence encoder a <c>both</c> model needs (its vectors go to the
    /// <see cref="Score(ReadOnlySpan{char}, ReadOnlySpan{float}, Span{float}, Workspace)"/> overload), or null for an n-gram model.
    /// </summary>
    public ISentenceVectors? SentenceVectors => dense?.Vectors;

    /// <summary>
    /// Writes the probability of each label (Score slot order) for <paramref name="text"/> and returns
    /// the index of the predicted label (the first highest, as ML.NET picks it).
    /// </summary>
    public int Score(ReadOnlySpan<char> text, Span<float> probabilities, Workspace work)
    {
        if (dense is not null) throw new InvalidOperationException("the model uses sentence embeddings: pass the text's vector (SentenceVectors) too");
        return Score(text, default, probabilities, work);
    }

    /// <summary>
    /// As <see cref="Score(ReadOnlySpan{char}, Span{float}, Workspace)"/> for a model with a sentence-embedding
    /// block: <paramref name="vector"/> is the text's vector from <see cref="SentenceVectors"/> (ignored by an n-gram model).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Score(ReadOnlySpan<char> text, ReadOnlySpan<float> vector, Span<float> probabilities, Workspace work)
    {
        if (dense is not null && vector.Length != dense.Length) throw new ArgumentException($"a {dense.Length}-dim vector is needed", nameof(vector));
        if (probabilities.Length < LabelCount) throw new ArgumentException($"room for {LabelCount} probabilities is needed", nameof(probabilities));
        if (work.Features.Length != FeatureCount) throw new ArgumentException("the workspace belongs to another model", nameof(work));
        var normalized = work.Normalize(text);
        CountWords(normalized, work);
        Span<double> scores = stackalloc double[LabelCount];
        for (var k = 0; k < scores.Length; k++) scores[k] = biases[k];
        AddBlock(wordBlock, work, scores);
        foreach (var block in charBlocks)
        {
            CountChars(block, normalized, work);
            AddBlock(block, work, scores);
        }
        if (dense is not null) AddDense(dense, vector, scores);

        // Softmax in double, as ML.NET's MaximumEntropy calibration does.
        var max = double.NegativeInfinity;
        var best = 0;
        for (var k = 0; k < scores.Length; k++)
        {
            if (scores[k] > max)
            {
                max = scores[k];
                best = k;
            }
        }
        double sum = 0;
        for (var k = 0; k < scores.Length; k++) sum += Math.Exp(scores[k] - max);
        var logSum = max + Math.Log(sum);
        for (var k = 0; k < scores.Length; k++) probabilities[k] = (float)Math.Exp(scores[k] - logSum);
        return best;
    }

    internal IEnumerable<NgramBlock> Blocks() => charBlocks.Prepend(wordBlock);

    /// <summary>The n-gram counts of a text, by feature, before weighting (for <see cref="ModelCompiler"/>).</summary>
    internal List<(int Feature, float Count)> Counts(string text, Workspace work)
    {
        var normalized = work.Normalize(text);
        var counts = new List<(int, float)>();
        void Harvest()
        {
            for (var t = 0; t < work.TouchedCount; t++)
            {
                var f = work.Touched[t];
                counts.Add((f, work.Features[f]));
                work.Features[f] = 0;
            }
            work.TouchedCount = 0;
        }
        CountWords(normalized, work);
        Harvest();
        foreach (var block in charBlocks)
        {
            CountChars(block, normalized, work);
            Harvest();
        }
        return counts;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CountWords(ReadOnlySpan<char> text, Workspace work)
    {
        var ids = work.Tokens(text.Length / 2 + 1);
        var count = 0;
        var start = -1;
        var hash = WordTable.Start;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && !separator[text[i]])
            {
                if (start < 0)
                {
                    start = i;
                    hash = WordTable.Start;
                }
                hash = WordTable.Step(hash, text[i]);
                continue;
            }
            if (start < 0) continue;
            ids[count++] = words.Find(text[start..i], hash);
            start = -1;
        }

        var block = wordBlock;
        var tokens = ids.AsSpan(0, count);
        var unigrams = block.Unigrams;
        // Longer n-grams: keys first (prefetching their table entries), lookups after.
        var keys = work.Keys(count * block.MaxLength);
        var keyCount = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            ulong key = 0;
            for (var n = 1; n <= block.MaxLength && i + n <= tokens.Length; n++)
            {
                var id = tokens[i + n - 1];
                // An unknown token ends every n-gram through it: none is in the dictionary.
                if (id == 0) break;
                key = (key << block.Bits) | (uint)id;
                if (n < block.MinLength) continue;
                if (n == 1 && unigrams is not null)
                {
                    if (unigrams[id] is var single and >= 0) Touch(work, block.Offset + single);
                    continue;
                }
                keys[keyCount++] = key;
                block.Slots.Prefetch(key);
            }
        }
        for (var i = 0; i < keyCount; i++)
        {
            if (block.Slots.Find(keys[i]) is var slot and >= 0) Touch(work, block.Offset + slot);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CountChars(NgramBlock block, ReadOnlySpan<char> text, Workspace work)
    {
        // The ML.NET character tokenizer frames non-empty text with start and end markers.
        if (text.IsEmpty) return;
        var length = text.Length + 2;
        var n = block.MaxLength;
        var mask = n * block.Bits >= 64 ? ulong.MaxValue : (1UL << (n * block.Bits)) - 1;

        // First every n-gram's key (and a prefetch of its table entry), then the lookups.
        var keys = work.Keys(length);
        var count = 0;
        ulong key = 0;
        var run = 0; // tokens since the last unknown one (char 0 is no key)
        for (var i = 0; i < length; i++)
        {
            var c = i == 0 ? StartMarker : i == length - 1 ? EndMarker : text[i - 1];
            if (c == '\0')
            {
                run = 0;
                key = 0;
                continue;
            }
            key = ((key << block.Bits) | c) & mask;
            if (++run >= n)
            {
                keys[count++] = key;
                block.Slots.Prefetch(key);
            }
        }
        for (var i = 0; i < count; i++)
        {
            if (block.Slots.Find(keys[i]) is var slot and >= 0) Touch(work, block.Offset + slot);
        }
    }

    /// <summary>Adds one block's L2-normalized tf-idf values times the weights to the scores, and clears it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddBlock(NgramBlock block, Workspace work, Span<double> scores)
    {
        var features = work.Features;
        var touched = work.Touched;
        var labelCount = scores.Length;
        var parameters = packed;
        var step = stride;
        double squares = 0;
        for (var t = 0; t < work.TouchedCount; t++)
        {
            var f = touched[t];
            var value = features[f] * parameters[f * step];
            features[f] = value;
            squares += (double)value * value;
        }
        var scale = squares > 0 ? 1 / Math.Sqrt(squares) : 0;
        for (var t = 0; t < work.TouchedCount; t++)
        {
            var f = touched[t];
            var value = (float)(features[f] * scale);
            var row = f * step + 1;
            for (var k = 0; k < labelCount; k++) scores[k] += value * parameters[row + k];
            features[f] = 0;
        }
        work.TouchedCount = 0;
    }

    /// <summary>Adds a dense block's values (taken as they are: the encoder's vectors are unit length already) times the weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddDense(DenseBlock block, ReadOnlySpan<float> vector, Span<double> scores)
    {
        var labelCount = scores.Length;
        var parameters = packed;
        var step = stride;
        for (var i = 0; i < vector.Length; i++)
        {
            var value = vector[i];
            var row = (block.Offset + i) * step + 1;
            for (var k = 0; k < labelCount; k++) scores[k] += value * parameters[row + k];
        }
    }

    /// <summary>Takes each block's n-gram weights into the packed parameters, once they are all measured.</summary>
    internal void Freeze()
    {
        foreach (var block in Blocks())
        {
            for (var slot = 0; slot < block.Length; slot++) packed[(block.Offset + slot) * stride] = block.Weights[slot];
        }
    }

    /// <summary>Starts loading a feature's parameters when the feature is first counted in a row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Touch(Workspace work, int feature)
    {
        if (work.Add(feature)) Prefetch(ref packed[feature * stride]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref float value)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref value));
    }

    /// <summary>One thread's scratch: the lowercased text, token ids and the sparse feature counts.</summary>
    public sealed class Workspace
    {
        private char[] chars = new char[1024];
        private int[] tokens = new int[256];

        internal Workspace(int features)
        {
            Features = new float[features];
            Touched = new int[256];
        }

        internal float[] Features { get; }

        internal int[] Touched { get; private set; }

        internal int TouchedCount { get; set; }

        /// <summary>Lowercases as ML.NET's NormalizeText does (invariant culture, char by char; punctuation, numbers and diacritics kept).</summary>
        internal ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text)
        {
            if (chars.Length < text.Length) chars = new char[Math.Max(text.Length, chars.Length * 2)];
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                // ASCII without the culture tables; the same answer as ToLowerInvariant.
                chars[i] = c < 128 ? (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c | 0x20) : c : char.ToLowerInvariant(c);
            }
            return chars.AsSpan(0, text.Length);
        }

        private ulong[] keys = new ulong[1024];

        internal ulong[] Keys(int atLeast)
        {
            if (keys.Length < atLeast) keys = new ulong[Math.Max(atLeast, keys.Length * 2)];
            return keys;
        }

        internal int[] Tokens(int atLeast)
        {
            if (tokens.Length < atLeast) tokens = new int[Math.Max(atLeast, tokens.Length * 2)];
            return tokens;
        }

        /// <summary>Counts one occurrence; true when it is the feature's first in this block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal bool Add(int feature)
        {
            if (Features[feature] != 0)
            {
                Features[feature] += 1;
                return false;
            }
            if (TouchedCount == Touched.Length)
            {
                var grown = Touched;
                Array.Resize(ref grown, grown.Length * 2);
                Touched = grown;
            }
            Touched[TouchedCount++] = feature;
            Features[feature] = 1;
            return true;
        }
    }
}
