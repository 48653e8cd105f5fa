using System.Text;

namespace Classifier.Onnx;

/// <summary>
/// Corrects, in the exported graph, the places where ML.NET's ONNX converter (0.23.1) writes
/// attributes that ONNX Runtime reads differently from what ML.NET computes:
/// <list type="bullet">
/// <item>Word tokenizer: ML.NET writes each custom separator character as-is into the com.microsoft
/// Tokenizer's <c>separators</c>, but ONNX Runtime compiles every separator as an RE2 regular
/// expression: '?' fails to load, '.' would split at every character, '(' and '[' open groups.
/// Each separator is quoted (as RE2::QuoteMeta does).</item>
/// <item>N-grams of several lengths (ProduceNgrams with useAllLengths): ML.NET writes
/// <c>min_gram_length</c> = the longest length, so ONNX Runtime drops every shorter n-gram (all
/// word unigrams). It is set to the shortest length present in the pool.</item>
/// <item>TF-IDF weights: ML.NET writes them in output-slot order, ONNX (and ONNX Runtime) index them
/// by pool position; they differ once the pool mixes lengths. They are reordered.</item>
/// <item>The converter lists an internal <c>mlnet.*.unusedOutput</c> tensor as a graph output; it is dropped.</item>
/// <item>Lower-casing: the StringNormalizer asks ONNX Runtime for the en_US.UTF-8 locale, missing on most
/// machines; it gets the "C" locale and the dictionaries that read its output do the rest of ML.NET's
/// lower-casing (<see cref="LocaleFreeLowering"/>).</item>
/// </list>
/// Each fix was checked against ML.NET on the held-out file (tests/Classifier.Onnx.Tests).
/// </summary>
internal static class OnnxGraphRepair
{
    // onnx.proto field numbers.
    private const int ModelMetadata = 14, EntryKey = 1, EntryValue = 2;
    private const int ModelGraph = 7, GraphNode = 1, GraphInitializer = 5, GraphOutput = 12, GraphValueInfo = 13, ValueInfoName = 1;
    private const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4, NodeAttribute = 5, TensorInt64Data = 7, TensorName = 8;
    private const int AttributeName = 1, AttributeInt = 3, AttributeString = 4, AttributeFloats = 7, AttributeInts = 8, AttributeStrings = 9, AttributeType = 20;
    private const int TypeString = 3, TypeFloats = 6, TypeStrings = 8;

    // Ops that pass a tensor's strings on unchanged (only the first input carries data).
    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal) { "Squeeze", "Unsqueeze", "Reshape", "Identity" };

    public static byte[] Apply(byte[] model) =>
        ProtoWire.RewriteMessages(model, ModelGraph, graph =>
        {
            var tokenizerOutputs = new HashSet<string>(StringComparer.Ordinal);
            var rowShapes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in ProtoWire.Messages(graph, GraphNode))
            {
                var op = ProtoWire.ReadString(node, NodeOpType);
                if (op == "Tokenizer") tokenizerOutputs.UnionWith(ProtoWire.ReadStrings(node, NodeOutput));
                else if (op == "Reshape" && ProtoWire.ReadStrings(node, NodeInput) is [var data, var shape] && tokenizerOutputs.Contains(data)) rowShapes.Add(shape);
            }
            var lowering = PlanLowering([.. ProtoWire.Messages(graph, GraphNode)]);
            var index = 0;
            graph = ProtoWire.RewriteMessages(graph, GraphNode, node => (lowering.GetValueOrDefault(index++), ProtoWire.ReadString(node, NodeOpType)) switch
            {
                (Lowering.Normalizer, _) => SetLocale(node),
                (Lowering.CharKeys, _) => LowerCharKeys(node),
                (Lowering.WordKeys, _) => AddUpperSpellings(node),
                (_, "Tokenizer") => FixTokenizer(node),
                (_, "TfIdfVectorizer") => FixNgrams(node),
                _ => node,
            });
            graph = ProtoWire.RewriteMessages(graph, GraphInitializer, tensor =>
                rowShapes.Contains(ProtoWire.ReadString(tensor, TensorName) ?? "") ? KeepRows(tensor) : tensor);
            // Intermediate shapes the converter declares are wrong (the words of a sentence as [1,1]); ONNX
            // Runtime plans buffer reuse from them and then fails. They are optional hints: drop them.
            graph = ProtoWire.RemoveMessages(graph, GraphValueInfo, _ => true);
            // The converter also lists an internal "mlnet.<column>.unusedOutput" as a graph output; consumers need only the contract's.
            return ProtoWire.RemoveMessages(graph, GraphOutput,
                output => ProtoWire.ReadString(output, ValueInfoName)?.EndsWith(".unusedOutput", StringComparison.Ordinal) == true);
        });

    private enum Lowering
    {
        None,
        Normalizer,
        CharKeys,
        WordKeys,
    }

    /// <summary>
    /// Finds each lower-casing StringNormalizer and the dictionaries (LabelEncoders) that read its text
    /// through a Tokenizer, by node index. Any other reader of the lower-cased text would see ASCII-only
    /// lower-casing, so the export refuses the model rather than give other scores than ML.NET.
    /// </summary>
    private static Dictionary<int, Lowering> PlanLowering(IReadOnlyList<byte[]> nodes)
    {
        var plan = new Dictionary<int, Lowering>();
        var readers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var inputs = ProtoWire.ReadStrings(nodes[i], NodeInput);
            var op = ProtoWire.ReadString(nodes[i], NodeOpType) ?? "";
            foreach (var input in PassThrough.Contains(op) ? inputs.Take(1) : inputs)
            {
                if (!readers.TryGetValue(input, out var list)) readers[input] = list = [];
                list.Add(i);
            }
        }

        // The nodes reached from a tensor through ops that only reshape it.
        IEnumerable<int> Reached(int node)
        {
            foreach (var output in ProtoWire.ReadStrings(nodes[node], NodeOutput))
            {
                foreach (var reader in readers.GetValueOrDefault(output) ?? [])
                {
                    if (PassThrough.Contains(ProtoWire.ReadString(nodes[reader], NodeOpType) ?? "")) foreach (var r in Reached(reader)) yield return r;
                    else yield return reader;
                }
            }
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            if (ProtoWire.ReadString(nodes[i], NodeOpType) != "StringNormalizer") continue;
            var attributes = Attributes(nodes[i]);
            if (attributes.TryGetValue("case_change_action", out var action) && ProtoWire.ReadString(action, AttributeString) == "NONE") continue;
            plan[i] = Lowering.Normalizer;
            foreach (var tokenizer in Reached(i))
            {
                if (ProtoWire.ReadString(nodes[tokenizer], NodeOpType) != "Tokenizer")
                    throw new NotSupportedException($"lower-cased text feeds a {ProtoWire.ReadString(nodes[tokenizer], NodeOpType)} node, which cannot be made locale-free");
                var chars = ProtoWire.ReadInt64s(Attributes(nodes[tokenizer]).GetValueOrDefault("mark") ?? [], AttributeInt) is [not 0];
                foreach (var encoder in Reached(tokenizer))
                {
                    if (ProtoWire.ReadString(nodes[encoder], NodeOpType) != "LabelEncoder")
                        throw new NotSupportedException($"lower-cased tokens feed a {ProtoWire.ReadString(nodes[encoder], NodeOpType)} node, which cannot be made locale-free");
                    plan[encoder] = chars ? Lowering.CharKeys : Lowering.WordKeys;
                }
            }
        }
        return plan;
    }

    private static byte[] SetLocale(byte[] node)
    {
        var kept = ProtoWire.RemoveMessages(node, NodeAttribute, a => ProtoWire.ReadString(a, AttributeName) == "locale");
        using var output = new MemoryStream(kept.Length + 16);
        output.Write(kept);
        ProtoWire.WriteBytes(output, NodeAttribute, StringAttribute("locale", LocaleFreeLowering.Locale));
        return output.ToArray();
    }

    private static (List<byte[]> Keys, List<long> Values) StringToIntMap(byte[] node)
    {
        var attributes = Attributes(node);
        if (!attributes.TryGetValue("keys_strings", out var keys) || !attributes.TryGetValue("values_int64s", out var values))
            throw new NotSupportedException("a dictionary of lower-cased text is not a string-to-int64 LabelEncoder");
        var k = ProtoWire.Messages(keys, AttributeStrings).ToList();
        var v = ProtoWire.ReadInt64s(values, AttributeInts);
        if (k.Count != v.Count) throw new InvalidDataException($"LabelEncoder has {k.Count} keys but {v.Count} values.");
        return (k, v);
    }

    private static byte[] LowerCharKeys(byte[] node)
    {
        var (keys, values) = StringToIntMap(node);
        var lowered = LocaleFreeLowering.LowerCharKeys(keys, values);
        return ProtoWire.RewriteMessages(node, NodeAttribute, a => ProtoWire.ReadString(a, AttributeName) == "values_int64s" ? ProtoWire.IntsAttribute("values_int64s", lowered) : a);
    }

    private static byte[] AddUpperSpellings(byte[] node)
    {
        var (vocabulary, ids) = StringToIntMap(node);
        var (keys, values) = LocaleFreeLowering.AddUpperSpellings(vocabulary, ids);
        return ProtoWire.RewriteMessages(node, NodeAttribute, a => ProtoWire.ReadString(a, AttributeName) switch
        {
            "keys_strings" => StringsAttribute("keys_strings", keys),
            "values_int64s" => ProtoWire.IntsAttribute("values_int64s", values),
            _ => a,
        });
    }

    private static byte[] StringsAttribute(string name, IEnumerable<byte[]> values)
    {
        using var output = new MemoryStream();
        ProtoWire.WriteBytes(output, AttributeName, Encoding.UTF8.GetBytes(name));
        foreach (var v in values) ProtoWire.WriteBytes(output, AttributeStrings, v);
        ProtoWire.WriteInt64(output, AttributeType, TypeStrings);
        return output.ToArray();
    }

    /// <summary>Appends a ModelProto.metadata_props entry (read by ONNX Runtime as custom metadata).</summary>
    public static byte[] AddMetadata(byte[] model, string key, string value)
    {
        using var entry = new MemoryStream();
        ProtoWire.WriteBytes(entry, EntryKey, Encoding.UTF8.GetBytes(key));
        ProtoWire.WriteBytes(entry, EntryValue, Encoding.UTF8.GetBytes(value));
        using var output = new MemoryStream(model.Length + 128);
        output.Write(model);
        ProtoWire.WriteBytes(output, ModelMetadata, entry.ToArray());
        return output.ToArray();
    }

    /// <summary>RE2::QuoteMeta: a backslash before every ASCII character that is not a letter, digit or '_'.</summary>
    public static string QuoteMeta(string separator)
    {
        var quoted = new StringBuilder(separator.Length * 2);
        foreach (var c in separator)
        {
            if (c < 0x80 && !char.IsAsciiLetterOrDigit(c) && c != '_') quoted.Append('\\');
            quoted.Append(c);
        }
        return quoted.ToString();
    }

    private static byte[] FixTokenizer(byte[] node)
    {
        var attributes = Attributes(node);
        if (!attributes.TryGetValue("separators", out var separators) || ProtoWire.ReadInt64s(attributes.GetValueOrDefault("mark") ?? [], AttributeInt) is [not 0])
            return node;
        // Rows of a batch are padded to the longest; a separator can never be a token, so as padding
        // it cannot collide with a vocabulary word (ML.NET's "#" could).
        var padding = Encoding.UTF8.GetString(ProtoWire.Messages(separators, AttributeStrings).FirstOrDefault() ?? [.. " "u8]);
        return ProtoWire.RewriteMessages(node, NodeAttribute, attribute => ProtoWire.ReadString(attribute, AttributeName) switch
        {
            "separators" => ProtoWire.RewriteMessages(attribute, AttributeStrings, s => Encoding.UTF8.GetBytes(QuoteMeta(Encoding.UTF8.GetString(s)))),
            "pad_value" => StringAttribute("pad_value", padding),
            _ => attribute,
        });
    }

    /// <summary>The word tokens are reshaped to [1, -1], which folds a batch into one row; [0, -1] keeps one row per input.</summary>
    private static byte[] KeepRows(byte[] tensor)
    {
        if (ProtoWire.ReadInt64s(tensor, TensorInt64Data) is not [1, -1]) return tensor;
        return ProtoWire.RewriteMessages(tensor, TensorInt64Data, _ => ProtoWire.PackInt64s([0, -1]));
    }

    private static Dictionary<string, byte[]> Attributes(byte[] node) =>
        ProtoWire.Messages(node, NodeAttribute).ToDictionary(a => ProtoWire.ReadString(a, AttributeName) ?? "", StringComparer.Ordinal);

    private static byte[] FixNgrams(byte[] node)
    {
        var attributes = Attributes(node);
        if (!attributes.TryGetValue("ngram_counts", out var countsAttribute) || !attributes.TryGetValue("pool_int64s", out var poolAttribute))
            return node;
        var starts = ProtoWire.ReadInt64s(countsAttribute, AttributeInts);
        var poolLength = ProtoWire.ReadInt64s(poolAttribute, AttributeInts).Count;
        var shortest = Enumerable.Range(0, starts.Count)
            .FirstOrDefault(k => starts[k] < (k + 1 < starts.Count ? starts[k + 1] : poolLength), -1) + 1;

        List<float>? weights = null;
        if (attributes.TryGetValue("weights", out var weightsAttribute) && attributes.TryGetValue("ngram_indexes", out var indexesAttribute))
        {
            var bySlot = ProtoWire.ReadFloats(weightsAttribute, AttributeFloats);
            var slots = ProtoWire.ReadInt64s(indexesAttribute, AttributeInts);
            if (bySlot.Count == slots.Count) weights = slots.Select(slot => bySlot[(int)slot]).ToList();
        }

        return ProtoWire.RewriteMessages(node, NodeAttribute, attribute => ProtoWire.ReadString(attribute, AttributeName) switch
        {
            "min_gram_length" when shortest > 0 => ProtoWire.IntAttribute("min_gram_length", shortest),
            "weights" when weights is not null => FloatsAttribute("weights", weights),
            _ => attribute,
        });
    }

    private static byte[] StringAttribute(string name, string value)
    {
        using var output = new MemoryStream();
        ProtoWire.WriteBytes(output, AttributeName, Encoding.UTF8.GetBytes(name));
        ProtoWire.WriteBytes(output, AttributeString, Encoding.UTF8.GetBytes(value));
        ProtoWire.WriteInt64(output, AttributeType, TypeString);
        return output.ToArray();
    }

    private static byte[] FloatsAttribute(string name, IReadOnlyList<float> values)
    {
        using var output = new MemoryStream();
        ProtoWire.WriteBytes(output, AttributeName, Encoding.UTF8.GetBytes(name));
        ProtoWire.WritePackedFloats(output, AttributeFloats, values);
        ProtoWire.WriteInt64(output, AttributeType, TypeFloats);
        return output.ToArray();
    }
}
