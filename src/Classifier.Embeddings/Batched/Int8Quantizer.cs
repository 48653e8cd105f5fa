using System.Buffers.Binary;
using System.Text;
using Classifier.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Classifier.Embeddings.Batched;

/// <summary>
/// Dynamic quantization of an ONNX model's MatMul weights, done once on the model bytes: every MatMul
/// whose second input is a constant 2-D float initializer becomes ONNX Runtime's
/// <c>MatMulIntegerToFloat</c> on 8-bit weights (symmetric, one scale per output column), fed by
/// activations quantized to 8 bits per token over the token's own range (asymmetric, with a zero point
/// per token), and rescaled per token. Every other byte of the model is copied as it is.
/// </summary>
/// <remarks>
/// <para>Per token, not per tensor as ONNX Runtime's <c>DynamicQuantizeMatMul</c> does: a per-tensor
/// scale comes from the whole batch (padding included), so a text's vector would change with the
/// texts batched beside it. Per token, the integer product is exact and every float step is per row,
/// so it does not. Asymmetric, because the inputs of BERT's MatMuls are skewed (LayerNorm outputs with a
/// few large channels, GELU outputs above -0.17): over [min(x, 0), max(x, 0)] the 256 codes are used where
/// values are, which halved the vectors' error against fp32 (docs/embeddings-performance.md).</para>
/// <para>The steps, per input tensor x seen as [tokens, K] (shared by the MatMuls that read it: query,
/// key and value): s = range/255 and zero point z = round(−min/s) per token; codes = QuantizeLinear(x, s, z)
/// (one pass). Per MatMul: P = MatMulIntegerToFloat(codes, W8) with the weights' column scales (the
/// rescale fused into the product); then y = s·P + [−s·z, 1]·[colsum(W); bias] as one Gemm whose C is
/// s·P, which also takes in the bias Add that followed the MatMul. ONNX Runtime's fused op takes one
/// scale for all of A, hence the per-token multiply after it.</para>
/// <para>Weights use the full 8 bits (-127..127). ONNX Runtime's u8×s8 kernel for x64 CPUs without VNNI
/// adds pairs of products in 16 bits and can saturate; <see cref="NativeCodes"/> runs a probe once per
/// process, and where the signed kernel saturates the weights are stored as unsigned codes (w + 128,
/// zero point 128), whose kernel is exact. Both give the same integers, so the same vectors.</para>
/// </remarks>
internal static class Int8Quantizer
{
    // ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto and OperatorSetIdProto field numbers (onnx.proto).
    private const int ModelIrVersion = 1, ModelGraph = 7, ModelOpset = 8;
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9;
    private const int FloatType = 1, Uint8Type = 2, Int8Type = 3, Int32Type = 6, Int64Type = 7;

    private const string Prefix = "q8_";

    /// <summary>
    /// The rewrite's version: part of the cached int8 model's name, so a changed rewrite is never read
    /// from an old file. Version 4 computes version 3's quantization (the model contract's "v3") in fewer passes.
    /// </summary>
    public const int Version = 4;

    /// <summary>Largest quantized weight magnitude.</summary>
    internal const int WeightLimit = 127;

    /// <summary>How the 8-bit weights are stored.</summary>
    internal enum WeightCodes
    {
        /// <summary>int8 codes, the fast u8×s8 kernel (VNNI on x64, dot products on Arm).</summary>
        Signed,

        /// <summary>uint8 codes (w + 128, zero point 128), the u8×u8 kernel: exact where u8×s8 saturates.</summary>
        Unsigned,
    }

    private static readonly Lazy<WeightCodes> Native = new(ProbeNativeCodes);

    /// <summary>How weights are stored on this machine: signed unless ONNX Runtime's u8×s8 kernel saturates here.</summary>
    public static WeightCodes NativeCodes => Native.Value;

    /// <summary>How many MatMuls the last call rewrote (for the tests and the log).</summary>
    public static int LastRewritten { get; private set; }

    /// <summary>How many bias Adds after those MatMuls the last call folded into them.</summary>
    public static int LastBiasesFolded { get; private set; }

    /// <summary>The model with its constant-weight MatMuls on 8-bit weights, stored as this machine's kernel needs.</summary>
    public static byte[] Quantize(byte[] model) => Quantize(model, NativeCodes);

    /// <summary>The model with its constant-weight MatMuls on 8-bit weights stored as <paramref name="codes"/>.</summary>
    public static byte[] Quantize(byte[] model, WeightCodes codes)
    {
        var graphField = ProtoWire.Fields(model).Single(f => f.Number == ModelGraph && f.Wire == ProtoWire.LengthDelimited);
        var graph = ProtoWire.Payload(model, graphField);

        // Reads of each tensor by any node, and by a MatMul as its weight: a weight read elsewhere too keeps its float copy.
        var nodes = ProtoWire.Messages(graph, GraphNode).ToList();
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var matMulUses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var inputs = ProtoWire.ReadStrings(node, NodeInput);
            foreach (var input in inputs) uses[input] = uses.GetValueOrDefault(input) + 1;
            if (inputs.Count == 2 && ProtoWire.ReadString(node, NodeOpType) == "MatMul") matMulUses[inputs[1]] = matMulUses.GetValueOrDefault(inputs[1]) + 1;
        }

        // Each MatMul weight quantized as it is read: the float copies never pile up (the model is ~90 MB).
        var weights = new Dictionary<string, QuantizedWeight>(StringComparer.Ordinal);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var f in ProtoWire.Fields(graph))
        {
            if (f.Number != GraphInitializer || f.Wire != ProtoWire.LengthDelimited) continue;
            var tensor = ProtoWire.Payload(graph, f);
            if (ProtoWire.ReadString(tensor, TensorName) is not { } name) continue;
            if (ReadFloatVector(tensor) is { } vector) vectors[name] = vector;
            if (matMulUses.ContainsKey(name) && ReadFloatMatrix(tensor) is { } matrix) weights[name] = QuantizeWeight(name, matrix.Dims, matrix.Values, codes);
        }
        LastRewritten = weights.Count;

        // A rewritten MatMul whose only reader is an Add of a constant vector of its width (its bias)
        // takes that bias into its Gemm, and the Add goes.
        var producers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
            foreach (var o in ProtoWire.ReadStrings(nodes[i], NodeOutput)) producers[o] = i;
        var folded = new HashSet<int>();
        var biasOf = new Dictionary<string, (string Bias, string Output)>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (ProtoWire.ReadString(nodes[i], NodeOpType) != "Add" || ProtoWire.ReadString(nodes[i], NodeDomain) is { Length: > 0 }) continue;
            var inputs = ProtoWire.ReadStrings(nodes[i], NodeInput);
            if (inputs.Count != 2) continue;
            for (var side = 0; side < 2; side++)
            {
                var (product, bias) = (inputs[side], inputs[1 - side]);
                if (!producers.TryGetValue(product, out var p) || uses.GetValueOrDefault(product) != 1 || ProtoWire.ReadString(nodes[p], NodeOpType) != "MatMul") continue;
                var operands = ProtoWire.ReadStrings(nodes[p], NodeInput);
                if (operands.Count != 2 || !weights.TryGetValue(operands[1], out var weight) || !vectors.TryGetValue(bias, out var values) || values.Length != weight.N) continue;
                biasOf[product] = (bias, ProtoWire.ReadStrings(nodes[i], NodeOutput)[0]);
                folded.Add(i);
                break;
            }
        }
        LastBiasesFolded = folded.Count;
        var foldedUses = biasOf.Values.GroupBy(b => b.Bias, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        // One pass in order (ONNX wants nodes sorted): each rewritten MatMul replaced in place by its
        // nodes, folded Adds and float tensors no other node reads left out, the new tensors appended.
        // A tensor's codes are made where its first MatMul was, which every later reader of it follows.
        var coded = new Dictionary<string, string>(StringComparer.Ordinal);
        var targets = new HashSet<string>(StringComparer.Ordinal);
        var corrections = new List<byte[]>();
        // The row widths (K) and output widths (N) the reshapes need, as constants.
        var widths = new SortedSet<long>();
        using var newGraph = new MemoryStream(graph.Length);
        var index = 0;
        foreach (var f in ProtoWire.Fields(graph))
        {
            if (f.Wire == ProtoWire.LengthDelimited && f.Number == GraphNode)
            {
                var i = index++;
                if (folded.Contains(i)) continue;
                if (Rewrite(nodes[i]) is { } replacement)
                {
                    newGraph.Write(replacement);
                    continue;
                }
            }
            if (f.Wire == ProtoWire.LengthDelimited && f.Number == GraphInitializer && matMulUses.Count > 0)
            {
                var name = InitializerName(graph, f);
                if (name is not null && weights.ContainsKey(name) && uses.GetValueOrDefault(name) == matMulUses.GetValueOrDefault(name)) continue;
                if (name is not null && foldedUses.TryGetValue(name, out var count) && uses.GetValueOrDefault(name) == count) continue;
            }
            newGraph.Write(graph, f.Start, f.End - f.Start);
        }
        foreach (var tensor in Constants(codes, widths).Concat(weights.Values.SelectMany(w => new[] { w.Codes, w.Scales })).Concat(corrections))
            ProtoWire.WriteBytes(newGraph, GraphInitializer, tensor);

        byte[]? Rewrite(byte[] node)
        {
            if (ProtoWire.ReadString(node, NodeOpType) != "MatMul" || ProtoWire.ReadString(node, NodeDomain) is { Length: > 0 }) return null;
            var inputs = ProtoWire.ReadStrings(node, NodeInput);
            if (inputs.Count != 2 || !weights.TryGetValue(inputs[1], out var weight)) return null;
            var outputs = ProtoWire.ReadStrings(node, NodeOutput);
            if (outputs.Count != 1) return null;
            var name = ProtoWire.ReadString(node, NodeName) ?? outputs[0];
            using var replacement = new MemoryStream();
            if (!coded.TryGetValue(inputs[0], out var codesOf))
            {
                codesOf = Prefix + name + "_in_";
                coded[inputs[0]] = codesOf;
                TokenCodes(replacement, codesOf, inputs[0], weight.K, widths);
            }
            var bias = biasOf.TryGetValue(outputs[0], out var b) ? b : ((string Bias, string Output)?)null;
            var correction = Prefix + name + "_correction";
            corrections.Add(Correction(correction, weight, bias is { } given ? vectors[given.Bias] : null));
            // The shape back ([batch, length, N]) is made once per input and width: query, key and value share it.
            var target = codesOf + "target_" + weight.N;
            if (targets.Add(target)) Add(replacement, codesOf, "Concat", [codesOf + "lead", Prefix + "width_" + weight.N], target, ProtoWire.IntAttribute("axis", 0));
            widths.Add(weight.N);
            QuantizedMatMul(replacement, Prefix + name + "_", codesOf, weight, correction, target, bias?.Output ?? outputs[0], codes);
            return replacement.ToArray();
        }

        using var output = new MemoryStream((int)newGraph.Length + 4096);
        foreach (var f in ProtoWire.Fields(model))
        {
            if (f.Number == ModelGraph && f.Wire == ProtoWire.LengthDelimited) ProtoWire.WriteBytes(output, ModelGraph, newGraph.GetBuffer().AsSpan(0, (int)newGraph.Length));
            else output.Write(model, f.Start, f.End - f.Start);
        }
        // MatMulIntegerToFloat is one of ONNX Runtime's own operators: its domain must be imported.
        if (!ProtoWire.Messages(model, ModelOpset).Any(o => ProtoWire.ReadString(o, 1) == "com.microsoft"))
        {
            using var opset = new MemoryStream();
            ProtoWire.WriteBytes(opset, 1, Encoding.UTF8.GetBytes("com.microsoft"));
            ProtoWire.WriteInt64(opset, 2, 1);
            ProtoWire.WriteBytes(output, ModelOpset, opset.ToArray());
        }
        return output.ToArray();
    }

    /// <summary>A weight [K, N] as 8-bit codes and column scales (tensors), and the column sums of its dequantized values.</summary>
    internal sealed record QuantizedWeight(string Name, int K, int N, byte[] Codes, byte[] Scales, float[] ColumnSums);

    /// <summary>An initializer's name, read without copying its (maybe large) payload.</summary>
    internal static string? InitializerName(byte[] graph, ProtoWire.Field field)
    {
        // TensorProto fields before the name are small (dims, data_type); the data comes after it in
        // every writer we know, so reading the first fields suffices. Fall back to a copy otherwise.
        var head = graph.AsSpan(field.PayloadStart, Math.Min(field.PayloadLength, 4096)).ToArray();
        try
        {
            foreach (var f in ProtoWire.Fields(head))
            {
                if (f.Number == TensorName && f.Wire == ProtoWire.LengthDelimited) return Encoding.UTF8.GetString(head, f.PayloadStart, f.PayloadLength);
                if (f.Number is TensorRawData or TensorFloatData) break;
            }
        }
        catch (InvalidDataException)
        {
            // The head cut a field short: read the whole tensor.
        }
        return ProtoWire.ReadString(ProtoWire.Payload(graph, field), TensorName);
    }

    private static float[]? ReadFloats(byte[] tensor, int rank)
    {
        var dims = ProtoWire.ReadInt64s(tensor, TensorDims);
        if (dims.Count != rank) return null;
        long type = 0;
        foreach (var f in ProtoWire.Fields(tensor))
            if (f.Number == TensorDataType && f.Wire == ProtoWire.Varint) type = (long)f.Value;
        if (type != FloatType) return null;
        var count = checked((int)dims.Aggregate(1L, (a, d) => a * d));
        if (ProtoWire.Messages(tensor, TensorRawData).FirstOrDefault() is { } raw)
        {
            if (raw.Length != count * 4) return null;
            var values = new float[count];
            for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4, 4));
            return values;
        }
        var floats = ProtoWire.ReadFloats(tensor, TensorFloatData);
        return floats.Count == count ? [.. floats] : null;
    }

    internal static (long[] Dims, float[] Values)? ReadFloatMatrix(byte[] tensor) =>
        ReadFloats(tensor, 2) is { } values ? ([.. ProtoWire.ReadInt64s(tensor, TensorDims)], values) : null;

    private static float[]? ReadFloatVector(byte[] tensor) => ReadFloats(tensor, 1);

    /// <summary>
    /// The weight [K, N] as 8-bit codes, symmetric, with one scale per column n (its largest magnitude maps
    /// to <see cref="WeightLimit"/>), and the column sums of the dequantized weights (for the activations' offset).
    /// </summary>
    internal static QuantizedWeight QuantizeWeight(string name, long[] dims, float[] values, WeightCodes codes = WeightCodes.Signed)
    {
        var (rows, columns) = ((int)dims[0], (int)dims[1]);
        var scales = new float[columns];
        var quantized = new sbyte[values.Length];
        var sums = new float[columns];
        for (var n = 0; n < columns; n++)
        {
            float largest = 0;
            for (var k = 0; k < rows; k++) largest = Math.Max(largest, Math.Abs(values[k * columns + n]));
            var scale = largest == 0 ? 1 : largest / WeightLimit;
            scales[n] = scale;
            long sum = 0;
            for (var k = 0; k < rows; k++)
            {
                var q = (sbyte)Math.Clamp(MathF.Round(values[k * columns + n] / scale), -WeightLimit, WeightLimit);
                quantized[k * columns + n] = q;
                sum += q;
            }
            sums[n] = (float)(sum * (double)scale);
        }
        var bytes = new byte[quantized.Length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = codes == WeightCodes.Signed ? unchecked((byte)quantized[i]) : (byte)(quantized[i] + 128);
        return new QuantizedWeight(name, rows, columns,
            Tensor(name + "_quantized", [rows, columns], codes == WeightCodes.Signed ? Int8Type : Uint8Type, bytes),
            Tensor(name + "_scale", [columns], FloatType, FloatBytes(scales)), sums);
    }

    /// <summary>The Gemm's B: [colsum(W); bias] ([2, N]), the bias zero when the MatMul had none.</summary>
    private static byte[] Correction(string name, QuantizedWeight weight, float[]? bias) =>
        Tensor(name, [2, weight.N], FloatType, FloatBytes([.. weight.ColumnSums, .. bias ?? new float[weight.N]]));

    private static byte[] FloatBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    internal static byte[] Tensor(string name, long[] dims, int type, byte[] raw)
    {
        using var output = new MemoryStream(raw.Length + 64);
        foreach (var d in dims) ProtoWire.WriteInt64(output, TensorDims, d);
        ProtoWire.WriteInt64(output, TensorDataType, type);
        ProtoWire.WriteBytes(output, TensorName, Encoding.UTF8.GetBytes(name));
        ProtoWire.WriteBytes(output, TensorRawData, raw);
        return output.ToArray();
    }

    /// <summary>The constants the rewritten MatMuls share (only those used: ONNX Runtime warns of the others).</summary>
    private static IEnumerable<byte[]> Constants(WeightCodes codes, IEnumerable<long> widths)
    {
        yield return Tensor(Prefix + "255", [], FloatType, BitConverter.GetBytes(255f));
        yield return Tensor(Prefix + "floor", [], FloatType, BitConverter.GetBytes(1e-30f));
        yield return Tensor(Prefix + "one", [], FloatType, BitConverter.GetBytes(1f));
        yield return Tensor(Prefix + "zero_f", [], FloatType, BitConverter.GetBytes(0f));
        yield return Tensor(Prefix + "zero", [], Uint8Type, [0]);
        yield return Tensor(Prefix + "flat", [1], Int64Type, BitConverter.GetBytes(-1L));
        yield return Tensor(Prefix + "start", [1], Int64Type, BitConverter.GetBytes(0L));
        // Pads [tokens, 1] to [tokens, 2] with a column of ones (begin 0, 0; end 0, 1).
        yield return Tensor(Prefix + "pad_one", [4], Int64Type, [.. BitConverter.GetBytes(0L), .. BitConverter.GetBytes(0L), .. BitConverter.GetBytes(0L), .. BitConverter.GetBytes(1L)]);
        foreach (var k in widths)
        {
            yield return Tensor(Prefix + "rows_" + k, [2], Int64Type, [.. BitConverter.GetBytes(-1L), .. BitConverter.GetBytes(k)]);
            yield return Tensor(Prefix + "width_" + k, [1], Int64Type, BitConverter.GetBytes(k));
        }
        if (codes == WeightCodes.Unsigned) yield return Tensor(Prefix + "128", [], Uint8Type, [128]);
    }

    /// <summary>
    /// A tensor x's per-token codes and what the products need of them: {p}codes ([tokens, K] uint8),
    /// {p}scale (the per-token scale, [tokens, 1]), {p}corr ([−s·z, 1] per token, [tokens, 2]) and
    /// {p}lead (x's shape without K).
    /// </summary>
    private static void TokenCodes(Stream output, string p, string x, long k, ISet<long> widths)
    {
        widths.Add(k);
        Add(output, p, "Reshape", [x, Prefix + "rows_" + k], p + "x2");
        Add(output, p, "ReduceMax", [p + "x2"], p + "max", ProtoWire.IntsAttribute("axes", [1]), ProtoWire.IntAttribute("keepdims", 1));
        Add(output, p, "ReduceMin", [p + "x2"], p + "min", ProtoWire.IntsAttribute("axes", [1]), ProtoWire.IntAttribute("keepdims", 1));
        Add(output, p, "Shape", [x], p + "shape");
        Add(output, p, "Slice", [p + "shape", Prefix + "start", Prefix + "flat"], p + "lead");
        // The range holds 0, so the zero point is a code (0..255).
        Add(output, p, "Max", [p + "max", Prefix + "zero_f"], p + "hi");
        Add(output, p, "Min", [p + "min", Prefix + "zero_f"], p + "lo");
        Add(output, p, "Sub", [p + "hi", p + "lo"], p + "range");
        Add(output, p, "Max", [p + "range", Prefix + "floor"], p + "ranged");
        Add(output, p, "Div", [p + "ranged", Prefix + "255"], p + "scale");
        Add(output, p, "Div", [p + "lo", p + "scale"], p + "los");
        Add(output, p, "Neg", [p + "los"], p + "nlos");
        Add(output, p, "Round", [p + "nlos"], p + "zf");
        Add(output, p, "Cast", [p + "zf"], p + "zp", ProtoWire.IntAttribute("to", Uint8Type));
        Add(output, p, "Mul", [p + "scale", p + "zf"], p + "sz");
        Add(output, p, "Neg", [p + "sz"], p + "o");
        // [−s·z, 1] per token: the Gemm's A, so one pass adds the zero point's offset and the bias.
        Add(output, p, "Pad", [p + "o", Prefix + "pad_one", Prefix + "one"], p + "corr");
        Add(output, p, "Reshape", [p + "scale", Prefix + "flat"], p + "s1");
        Add(output, p, "Reshape", [p + "zp", Prefix + "flat"], p + "z1");
        Add(output, p, "QuantizeLinear", [p + "x2", p + "s1", p + "z1"], p + "codes", ProtoWire.IntAttribute("axis", 0));
    }

    /// <summary>
    /// y = x·W (+ bias) from x's codes: P = MatMulIntegerToFloat(codes, W8) with W's column scales, then
    /// y = s·P + [−s·z, 1]·[colsum(W); bias] (x = s·(codes − z), so x·W = s·(codes·W) − s·z·Σ_k W[k, n]),
    /// reshaped back to x's leading dimensions.
    /// </summary>
    private static void QuantizedMatMul(Stream output, string p, string x, QuantizedWeight weight, string correction, string target, string y, WeightCodes codes)
    {
        string[] fused = codes == WeightCodes.Signed
            ? [x + "codes", weight.Name + "_quantized", Prefix + "one", weight.Name + "_scale", Prefix + "zero"]
            : [x + "codes", weight.Name + "_quantized", Prefix + "one", weight.Name + "_scale", Prefix + "zero", Prefix + "128"];
        ProtoWire.WriteBytes(output, GraphNode, NodeBytes(p + "MatMulIntegerToFloat_" + y, "MatMulIntegerToFloat", fused, p + "scaled", [], "com.microsoft"));
        Add(output, p, "Mul", [p + "scaled", x + "scale"], p + "main");
        Add(output, p, "Gemm", [x + "corr", correction, p + "main"], p + "y2");
        Add(output, p, "Reshape", [p + "y2", target], y);
    }

    private static void Add(Stream output, string prefix, string op, string[] inputs, string result, params byte[][] attributes) =>
        ProtoWire.WriteBytes(output, GraphNode, NodeBytes(prefix + op + "_" + result, op, inputs, result, attributes));

    /// <summary>
    /// Whether ONNX Runtime's u8×s8 kernel on this machine computes 255·127 products exactly: a 16×384
    /// by 384×16 MatMulInteger with every code at its largest (what saturates a 16-bit pair sum).
    /// </summary>
    private static WeightCodes ProbeNativeCodes()
    {
        const int M = 16, K = 384, N = 16;
        try
        {
            using var session = new InferenceSession(ProbeModel(M, K, N));
            var a = new byte[M * K];
            Array.Fill(a, (byte)255);
            using var input = OrtValue.CreateTensorValueFromMemory(a, [M, K]);
            using var results = session.Run(new RunOptions(), new Dictionary<string, OrtValue> { ["a"] = input }, ["y"]);
            var y = results[0].GetTensorDataAsSpan<int>();
            foreach (var v in y)
                if (v != 255 * 127 * K) return WeightCodes.Unsigned;
            return WeightCodes.Signed;
        }
        catch (OnnxRuntimeException)
        {
            // No verdict: the unsigned form is exact everywhere.
            return WeightCodes.Unsigned;
        }
    }

    /// <summary>y = MatMulInteger(a, B) with a uint8 [M, K] input and an int8 [K, N] constant of 127s.</summary>
    internal static byte[] ProbeModel(int m, int k, int n)
    {
        var b = new byte[k * n];
        Array.Fill(b, (byte)127);
        using var graph = new MemoryStream();
        ProtoWire.WriteBytes(graph, GraphNode, NodeBytes("probe", "MatMulInteger", ["a", "b"], "y", []));
        ProtoWire.WriteBytes(graph, GraphName, Encoding.UTF8.GetBytes("probe"));
        ProtoWire.WriteBytes(graph, GraphInitializer, Tensor("b", [k, n], Int8Type, b));
        ProtoWire.WriteBytes(graph, GraphInput, ValueInfo("a", Uint8Type, m, k));
        ProtoWire.WriteBytes(graph, GraphOutput, ValueInfo("y", Int32Type, m, n));
        using var model = new MemoryStream();
        ProtoWire.WriteInt64(model, ModelIrVersion, 7);
        using (var opset = new MemoryStream())
        {
            ProtoWire.WriteBytes(opset, 1, Encoding.UTF8.GetBytes(""));
            ProtoWire.WriteInt64(opset, 2, 13);
            ProtoWire.WriteBytes(model, ModelOpset, opset.ToArray());
        }
        ProtoWire.WriteBytes(model, ModelGraph, graph.ToArray());
        return model.ToArray();
    }

    /// <summary>A ValueInfoProto: name, and a tensor type of the element type and fixed dimensions.</summary>
    private static byte[] ValueInfo(string name, int elementType, params long[] dims)
    {
        using var shape = new MemoryStream();
        foreach (var d in dims)
        {
            using var dim = new MemoryStream();
            ProtoWire.WriteInt64(dim, 1, d);
            ProtoWire.WriteBytes(shape, 1, dim.ToArray());
        }
        using var tensor = new MemoryStream();
        ProtoWire.WriteInt64(tensor, 1, elementType);
        ProtoWire.WriteBytes(tensor, 2, shape.ToArray());
        using var type = new MemoryStream();
        ProtoWire.WriteBytes(type, 1, tensor.ToArray());
        using var info = new MemoryStream();
        ProtoWire.WriteBytes(info, 1, Encoding.UTF8.GetBytes(name));
        ProtoWire.WriteBytes(info, 2, type.ToArray());
        return info.ToArray();
    }

    internal static byte[] NodeBytes(string name, string op, string[] inputs, string output, byte[][] attributes, string? domain = null)
    {
        using var node = new MemoryStream();
        foreach (var i in inputs) ProtoWire.WriteBytes(node, NodeInput, Encoding.UTF8.GetBytes(i));
        ProtoWire.WriteBytes(node, NodeOutput, Encoding.UTF8.GetBytes(output));
        ProtoWire.WriteBytes(node, NodeName, Encoding.UTF8.GetBytes(name));
        ProtoWire.WriteBytes(node, NodeOpType, Encoding.UTF8.GetBytes(op));
        foreach (var a in attributes) ProtoWire.WriteBytes(node, NodeAttribute, a);
        if (domain is not null) ProtoWire.WriteBytes(node, NodeDomain, Encoding.UTF8.GetBytes(domain));
        return node.ToArray();
    }
}
