using System.Text;
using Classifier.Core.Contract;
using Classifier.Core.Features;
using Classifier.Core.Model;
using Classifier.Core.Scoring;
using Classifier.Core.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Classifier.Core.Compiled;

/// <summary>Whether a model could be compiled, and why not.</summary>
internal sealed record CompileResult(CompiledModel? Model, string? Reason)
{
    public bool Succeeded => Model is not null;
}

/// <summary>
/// Compiles a loaded n-gram model into a <see cref="CompiledModel"/> using only what the model zip
/// exposes through ML.NET's public API: the word vocabulary (key values), the n-gram dictionaries
/// (slot names), the tf-idf weights (measured by running the chain on probe texts built from those
/// dictionaries) and the logistic regression's weights and biases. It then scores check texts both
/// ways and refuses the compiled form unless every probability agrees, so a model built some other
/// way (other separators, other normalization, embeddings, trees) is scored by ML.NET instead.
/// </summary>
internal static class ModelCompiler
{
    /// <summary>Largest probability difference accepted between the compiled model and the ML.NET chain.</summary>
    public const float Tolerance = 1e-4f;

    private const int SlotsPerProbe = 48;

    // CheckTexts starts with this many sentences from the vocabulary; a both model is checked on the first few of them.
    private const int VocabularySentences = 160;
    private const int EmbeddingCheckSentences = 24;

    public static CompileResult TryCompile(LoadedModel model)
    {
        try
        {
            return Compile(model);
        }
        catch (NotCompilableException e)
        {
            return new CompileResult(null, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything else ML.NET throws on an unexpected chain: score with ML.NET, and say why.
            return new CompileResult(null, $"compiling failed: {ClassifierException.FirstLine(e.Message)}");
        }
    }

    private static CompileResult Compile(LoadedModel model)
    {
        var schema = model.OutputSchema;
        var predictor = FindPredictor(model.Transformer)
            ?? throw new NotCompilableException("the trainer is not a linear multiclass logistic regression (LBFGS or SDCA maximum entropy)");
        if (predictor.FeatureColumnName != ModelSchema.Features || schema.GetColumnOrNull(ModelSchema.Features) is not { } features)
            throw new NotCompilableException($"the model has no '{ModelSchema.Features}' column");

        var featureCount = ((VectorDataViewType)features.Type).Size;
        // Concatenating a single column keeps its slot names unprefixed, so a word-only model is told by its columns.
        var blocks = schema.GetColumnOrNull("WordFeatures") is { Type: VectorDataViewType { Size: var words } } && words == featureCount && !schema.Any(c => IsCharBlock(c.Name))
            ? [("WordFeatures", words)]
            : FeatureBlocks(features);
        var dense = SentenceBlock(schema, blocks, featureCount);
        if (dense is not null) blocks.RemoveAt(blocks.Count - 1);
        if (blocks.Count == 0 || blocks[0].Name != "WordFeatures" || blocks.Skip(1).Any(b => !IsCharBlock(b.Name)))
            throw new NotCompilableException($"its features are not only word and character n-grams (blocks: {string.Join(", ", blocks.Select(b => b.Name.Length > 0 ? b.Name : "an unnamed block"))})");

        var vocabulary = KeyNames(schema, "WordKeys");
        // ML.NET's answers for the check texts, and the character dictionaries (65,535 key names),
        // are worked out beside the word dictionaries.
        var checkTexts = CheckTexts(vocabulary);
        // ML.NET encodes each check text alone (~15 ms a text): fewer vocabulary sentences, every probe of the tokenizer kept.
        if (dense is not null) checkTexts = [.. checkTexts.Take(EmbeddingCheckSentences), .. checkTexts.Skip(VocabularySentences)];
        var expected = Task.Run(() => ModelTrainer.Predict(model.Transformer, checkTexts));
        var charWork = Task.Run(() => CharGrams(schema, blocks));
        var wordNames = new TokenNames(vocabulary, "word n-gram");
        var wordGrams = Grams(schema, NgramColumn(blocks[0].Name), blocks[0].Length, wordNames);
        var wordBlock = Block(0, wordGrams, BitsFor(vocabulary.Length), "word", oneLength: false);
        var charGrams = Await(charWork);
        var charBlocks = new List<NgramBlock>();
        var offset = blocks[0].Length;
        for (var b = 0; b < charGrams.Count; b++)
        {
            // The character tokenizer's blocks each hold one length (TextFeaturizer); the compiled counter slides one window.
            charBlocks.Add(Block(offset, charGrams[b], 16, "character", oneLength: true));
            offset += blocks[b + 1].Length;
        }

        var (weights, biases) = LinearParameters(predictor, featureCount, model.Labels.Count);
        var compiled = new CompiledModel(model.Labels, TextFeaturizer.WordSeparators, wordNames.Ids, wordBlock, [.. charBlocks], weights, biases, dense);

        // One probe set per block, measured on its own thread: each asks ML.NET for its block's column only.
        var probeSets = new List<List<string>> { Probes(wordGrams, ids => string.Join(' ', ids.Select(id => vocabulary[id - 1]))) };
        probeSets.AddRange(charGrams.Select(grams => Probes(grams, ids => new string([.. ids.Select(id => (char)id)]))));
        var all = compiled.Blocks().ToArray();
        Await(Task.WhenAll(probeSets.Select((probes, b) => Task.Run(() => MeasureWeights(model, compiled, all[b], NgramColumn(blocks[b].Name), probes)))));
        var missing = compiled.Blocks().Sum(b => b.Weights.Count(float.IsNaN));
        if (missing > 0) throw new NotCompilableException($"{missing} n-gram weights could not be measured");
        compiled.Freeze();

        Verify(compiled, checkTexts, Await(expected));

        return new CompileResult(compiled, null);
    }

    /// <summary>
    /// The sentence-embedding block of a <c>both</c> model: the last block of Features (its slots have
    /// no names), as long as a vector column of the model that the registered embeddings can compute
    /// in batches. Null when the model has none.
    /// </summary>
    private static DenseBlock? SentenceBlock(DataViewSchema schema, List<(string Name, int Length)> blocks, int featureCount)
    {
        if (blocks.Count < 2 || blocks[^1].Name.Length > 0) return null;
        foreach (var column in schema)
        {
            if (column.IsHidden || column.Type is not VectorDataViewType { Size: var size } || size != blocks[^1].Length) continue;
            if (SentenceEmbeddings.Current?.VectorsFor(column.Name) is not { } vectors) continue;
            if (vectors.Dimension != size) throw new NotCompilableException($"the '{column.Name}' block has {size} slots where the encoder gives {vectors.Dimension}");
            return new DenseBlock(featureCount - size, size, column.Name, vectors);
        }
        return null;
    }

    private static List<int[][]> CharGrams(DataViewSchema schema, List<(string Name, int Length)> blocks)
    {
        if (blocks.Count == 1) return [];
        // Key k of the character tokenizer is the character with code k (0 is no key).
        var chars = new TokenNames(KeyNames(schema, "Chars"), "character n-gram");
        return [.. blocks.Skip(1).Select(block => Grams(schema, NgramColumn(block.Name), block.Length, chars))];
    }

    /// <summary>Waits for a task, passing on its own exception rather than an AggregateException.</summary>
    private static T Await<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Await(Task task) => task.GetAwaiter().GetResult();

    /// <summary>The pre-normalization column of a block: "Char4Features" comes from "Char4Ngrams".</summary>
    private static string NgramColumn(string block) => block.Replace("Features", "Ngrams", StringComparison.Ordinal);

    private static bool IsCharBlock(string name) =>
        name.StartsWith("Char", StringComparison.Ordinal) && name.EndsWith("Features", StringComparison.Ordinal);

    private static MulticlassPredictionTransformer<MaximumEntropyModelParameters>? FindPredictor(ITransformer transformer)
    {
        if (transformer is MulticlassPredictionTransformer<MaximumEntropyModelParameters> predictor) return predictor;
        if (transformer is not IEnumerable<ITransformer> chain) return null;
        foreach (var inner in chain)
        {
            if (FindPredictor(inner) is { } found) return found;
        }
        return null;
    }

    /// <summary>The blocks concatenated into Features, in order, from its "Block.slot" slot names.</summary>
    private static List<(string Name, int Length)> FeatureBlocks(DataViewSchema.Column features)
    {
        if (!features.HasSlotNames()) throw new NotCompilableException("Features has no slot names");
        VBuffer<ReadOnlyMemory<char>> names = default;
        features.GetSlotNames(ref names);
        var blocks = new List<(string Name, int Length)>();
        foreach (var name in names.DenseValues())
        {
            var dot = name.Span.IndexOf('.');
            var block = dot < 0 ? "" : name.Span[..dot].ToString();
            if (blocks.Count > 0 && blocks[^1].Name == block) blocks[^1] = (block, blocks[^1].Length + 1);
            else blocks.Add((block, 1));
        }
        return blocks;
    }

    private static string[] KeyNames(DataViewSchema schema, string column)
    {
        if (schema.GetColumnOrNull(column) is not { } col || !col.HasKeyValues())
            throw new NotCompilableException($"the model has no '{column}' key column");
        VBuffer<ReadOnlyMemory<char>> values = default;
        col.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(v => v.ToString())];
    }

    /// <summary>Each slot's n-gram as token ids, parsed from the slot names ("a|b").</summary>
    /// <remarks>
    /// A name with several readings ("a|b|c": the words "a|b" and "c", or "a", "b" and "c") keeps the
    /// one whose length is within the n-gram lengths of the names that read only one way.
    /// </remarks>
    private static int[][] Grams(DataViewSchema schema, string column, int expected, TokenNames tokens)
    {
        if (schema.GetColumnOrNull(column) is not { } col || !col.HasSlotNames())
            throw new NotCompilableException($"the model has no '{column}' column with slot names");
        VBuffer<ReadOnlyMemory<char>> names = default;
        col.GetSlotNames(ref names);
        var all = names.DenseValues().Select(n => n.ToString()).ToArray();
        if (all.Length != expected) throw new NotCompilableException($"'{column}' has {all.Length} slots, Features expects {expected}");
        var readings = all.Select(tokens.Readings).ToArray();
        var sure = readings.Where(r => r.Count == 1).Select(r => r[0].Length).ToArray();
        var (min, max) = sure.Length == 0 ? (1, int.MaxValue) : (sure.Min(), sure.Max());
        var grams = new int[all.Length][];
        for (var i = 0; i < all.Length; i++)
        {
            var fits = readings[i].Count == 1 ? readings[i] : [.. readings[i].Where(r => r.Length >= min && r.Length <= max)];
            grams[i] = fits.Count switch
            {
                1 => fits[0],
                0 => throw new NotCompilableException($"the {tokens.What} slot '{all[i]}' names unknown tokens"),
                _ => throw new NotCompilableException($"the {tokens.What} slot '{all[i]}' can be read more than one way"),
            };
        }
        return grams;
    }

    private static NgramBlock Block(int offset, int[][] grams, int bits, string what, bool oneLength)
    {
        var min = grams.Length == 0 ? 1 : grams.Min(g => g.Length);
        var max = grams.Length == 0 ? 1 : grams.Max(g => g.Length);
        if (oneLength && min != max) throw new NotCompilableException($"a {what} block mixes {min}- to {max}-grams");
        if (bits * max > 64) throw new NotCompilableException($"{what} {max}-grams do not pack into 64 bits");
        var slots = new Dictionary<ulong, int>(grams.Length);
        for (var i = 0; i < grams.Length; i++)
        {
            if (!slots.TryAdd(NgramBlock.Pack(grams[i], bits), i)) throw new NotCompilableException($"two {what} n-gram slots name the same n-gram");
        }
        var weights = new float[grams.Length];
        Array.Fill(weights, float.NaN);
        return new NgramBlock(offset, grams.Length, slots, weights, min, max, bits);
    }

    /// <summary>
    /// A tokenizer's key names, to read n-gram slot names ("a|b", "t|h|e|&lt;␠&gt;") back into token ids.
    /// Key k is names[k - 1].
    /// </summary>
    private sealed class TokenNames
    {
        private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
        private readonly bool pipeInsideName;
        private readonly bool pipeToken;
        private readonly string what;

        public TokenNames(string[] names, string what)
        {
            for (var i = 0; i < names.Length; i++) ids.TryAdd(names[i], i + 1);
            pipeToken = ids.ContainsKey("|");
            pipeInsideName = names.Any(n => n != "|" && n.Contains('|'));
            this.what = what;
        }

        public Dictionary<string, int> Ids => ids;

        public string What => what;

        /// <summary>The ways <paramref name="name"/> reads as known tokens (a few at most).</summary>
        public List<int[]> Readings(string name)
        {
            // When no name but "|" itself holds a '|', splitting is the one reading unless a "|" token is present.
            if (!pipeInsideName && (!pipeToken || (name.Length > 0 && !name.Contains("||", StringComparison.Ordinal) && name[0] != '|' && name[^1] != '|')))
            {
                var parts = name.Split('|');
                var result = new int[parts.Length];
                for (var i = 0; i < parts.Length; i++)
                {
                    if (!ids.TryGetValue(parts[i], out result[i])) return [];
                }
                return [result];
            }
            return EveryReading(name);
        }

        private List<int[]> EveryReading(string name)
        {
            var found = new List<int[]>();
            var path = new List<int>();
            void Walk(int start)
            {
                for (var end = start + 1; end <= name.Length && found.Count < 16; end++)
                {
                    if ((end < name.Length && name[end] != '|') || !ids.TryGetValue(name[start..end], out var id)) continue;
                    path.Add(id);
                    if (end == name.Length) found.Add([.. path]);
                    else Walk(end + 1);
                    path.RemoveAt(path.Count - 1);
                }
            }
            Walk(0);
            return found;
        }
    }

    private static int BitsFor(int count)
    {
        var bits = 1;
        while ((1L << bits) <= count) bits++;
        return bits;
    }

    private static (float[] LabelWeights, float[] Biases) LinearParameters(MulticlassPredictionTransformer<MaximumEntropyModelParameters> predictor, int features, int labels)
    {
        VBuffer<float>[] perLabel = [];
        predictor.Model.GetWeights(ref perLabel, out var classes);
        var biases = predictor.Model.GetBiases().ToArray();
        if (classes != labels || biases.Length != labels)
            throw new NotCompilableException($"the trainer has {classes} classes for {labels} labels");
        var stride = CompiledModel.PackedStride(labels);
        var weights = new float[features * stride];
        for (var k = 0; k < labels; k++)
        {
            if (perLabel[k].Length != features) throw new NotCompilableException("the trainer's weights do not match Features");
            foreach (var (f, w) in perLabel[k].Items()) weights[f * stride + 1 + k] = w;
        }
        return (weights, biases);
    }

    /// <summary>
    /// Texts that between them contain every slot's n-gram: <see cref="SlotsPerProbe"/> n-grams
    /// spelled out per text, separated by spaces.
    /// </summary>
    private static List<string> Probes(int[][] grams, Func<int[], string> spell)
    {
        var probes = new List<string>();
        var builder = new StringBuilder();
        for (var i = 0; i < grams.Length; i++)
        {
            if (builder.Length > 0) builder.Append(' ');
            builder.Append(spell(grams[i]));
            if ((i + 1) % SlotsPerProbe == 0)
            {
                probes.Add(builder.ToString());
                builder.Clear();
            }
        }
        if (builder.Length > 0) probes.Add(builder.ToString());
        return probes;
    }

    /// <summary>
    /// The tf-idf weight of a slot is ML.NET's pre-normalization value divided by the count the
    /// compiled counter finds for the same text. Every probe must agree on every weight it measures.
    /// </summary>
    private static void MeasureWeights(LoadedModel model, CompiledModel compiled, NgramBlock block, string column, List<string> probes)
    {
        if (probes.Count == 0) return;
        var ml = new MLContext();
        var scored = model.Transformer.Transform(ml.Data.LoadFromEnumerable(probes.Select(p => new TextInput { Text = p })));
        using var cursor = SingleThreadCursor.Open(scored, [scored.Schema[column]]);
        var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema[column]);
        var work = compiled.CreateWorkspace();
        VBuffer<float> values = default;
        var row = 0;
        while (cursor.MoveNext())
        {
            getter(ref values);
            var counted = 0;
            foreach (var (feature, count) in compiled.Counts(probes[row++], work))
            {
                if (feature < block.Offset || feature >= block.Offset + block.Length) continue;
                var slot = feature - block.Offset;
                var value = values.GetItemOrDefault(slot);
                if (value != 0) counted++;
                var weight = value / count;
                ref var known = ref block.Weights[slot];
                if (float.IsNaN(known)) known = weight;
                else if (Math.Abs(known - weight) > 1e-5f * Math.Max(1, Math.Abs(known)))
                    throw new NotCompilableException("the n-gram weights are not one weight per slot");
            }
            // An n-gram ML.NET found that the compiled counter did not: the two tokenize differently.
            var found = 0;
            foreach (var v in values.GetValues()) found += v != 0 ? 1 : 0;
            if (found != counted) throw new NotCompilableException("the compiled n-gram counts differ from ML.NET's");
        }
    }

    /// <summary>Scores check texts with the chain and the compiled model; any probability apart by more than <see cref="Tolerance"/> refuses the compiled form.</summary>
    private static void Verify(CompiledModel compiled, List<string> texts, IReadOnlyList<float[]> expected)
    {
        var actual = new float[compiled.LabelCount];
        var work = compiled.CreateWorkspace();
        var vectors = compiled.SentenceVectors;
        var dimension = vectors?.Dimension ?? 0;
        var embedded = new float[texts.Count * dimension];
        // The batched encoder, in one batch as batch scoring runs it, against ML.NET's mapping row by row.
        vectors?.Embed(texts, texts.Count, embedded);
        for (var i = 0; i < texts.Count; i++)
        {
            compiled.Score(texts[i], embedded.AsSpan(i * dimension, dimension), actual, work);
            for (var k = 0; k < actual.Length; k++)
            {
                if (Math.Abs(expected[i][k] - actual[k]) > Tolerance)
                {
                    var shown = texts[i].Length > 60 ? texts[i][..60] + "…" : texts[i];
                    throw new NotCompilableException($"it scores \"{shown}\" {actual[k]:0.######} for {compiled.Labels[k]} where ML.NET gives {expected[i][k]:0.######}");
                }
            }
        }
    }

    /// <summary>
    /// Sentences from the model's own vocabulary in mixed case, and text that probes the tokenizer
    /// and normalizer: every ASCII symbol, typographic quotes and dashes, accents, other scripts,
    /// control characters, emoji, very short and empty text.
    /// </summary>
    internal static List<string> CheckTexts(string[] vocabulary)
    {
        var random = new Random(20191004);
        var texts = new List<string>();
        for (var i = 0; i < VocabularySentences && vocabulary.Length > 0; i++)
        {
            var words = Enumerable.Range(0, 3 + random.Next(30)).Select(_ => vocabulary[random.Next(vocabulary.Length)]);
            var text = string.Join(random.Next(4) == 0 ? ", " : " ", words);
            texts.Add(i % 3 == 0 ? text.ToUpperInvariant() : i % 3 == 1 ? char.ToUpperInvariant(text[0]) + text[1..] + "." : text);
        }
        var symbols = new StringBuilder();
        for (var c = (char)0x21; c < 0x7F; c++) symbols.Append("encryption").Append(c).Append("backdoor ");
        texts.Add(symbols.ToString());
        texts.Add("\u201CEnd-to-end encryption\u201D \u2014 it\u2019s \u2018safe\u2019\u2026 [sic] {x} a|b|c \u00A0 tab\there\r\nnew line");
        texts.Add("Déjà vu: la sécurité du chiffrement de bout en bout. ÉTAT, İstanbul, ß, Ω, ǅ");
        texts.Add("Шифрование защищает всех. 加密保护每个人。 التشفير يحمي الجميع 🔐👍🏽");
        texts.Add("control \u0001\u0002\u0003 chars and a NUL \0 inside");
        texts.Add("a");
        texts.Add(" ");
        texts.Add("");
        texts.Add(string.Concat(Enumerable.Repeat("Backdoors weaken security for everyone. ", 200)));
        return texts;
    }

    private sealed class NotCompilableException(string message) : Exception(message);
}
