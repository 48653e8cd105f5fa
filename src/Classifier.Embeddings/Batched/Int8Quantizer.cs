using System.Buffers.Binary;
using System.Text;
using Classifier.Onnx;

namespace Classifier.Embeddings.Batched;

/// <summary>
/// Dynamic quantization of an ONNX model's MatMul weights, done once on the model bytes: every MatMul
/// whose second input is a constant 2-D float initializer becomes a <c>MatMulInteger</c> on int8
/// weights (symmetric, one scale per output column), fed by activations quantized to 8 bits per
/// token (one scale per row of the input: its largest magnitude maps to 127), and scaled back to
/// float. Every other byte of the model is copied as it is.
/// </summary>
/// <remarks>
/// Per token, not per tensor as ONNX Runtime's <c>DynamicQuantizeMatMul</c> does: a per-tensor scale
/// comes from the whole batch (padding included), so a text's vector would change with the texts
/// batched beside it, and the batched path could not equal the mapping's row-by-row vectors. Per
/// token, the integer product is exact and every float step is element-wise, so it does.
/// Weights use 7 bits (-63..63), as ONNX Runtime's quantizer does with reduce_range: its u8×s8 kernels
/// on CPUs without VNNI add pairs of products in 16 bits, which 8-bit weights can saturate (other
/// vectors on other machines); 7 bits cannot. docs/performance.md has the speed and accuracy figures.
/// </remarks>
internal static class Int8Quantizer
{
    // ModelProto, GraphProto, NodeProto, TensorProto and OperatorSetIdProto field numbers (onnx.proto).
    private const int ModelGraph = 7, ModelOpset = 8;
    private const int GraphNode = 1, GraphInitializer = 5;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9;
    private const int AttributeName = 1, AttributeInt = 3, AttributeInts = 8, AttributeType = 20, IntAttribute = 2, IntsAttribute = 7;
    private const int FloatType = 1, Uint8Type = 2, Int8Type = 3;
    private const string Prefix = "q8_";

    /// <summary>The rewrite's version: part of the cached int8 model's name, so a changed rewrite is never read from an old file.</summary>
    public const int Version = 1;

    /// <summary>How many MatMuls the last call rewrote (for the tests and the log).</summary>
    public static int LastRewritten { get; private set; }

    /// <summary>The model with its constant-weight MatMuls on 8-bit weights.</summary>
    public static byte[] Quantize(byte[] model)
    {
        var graphField = ProtoWire.Fields(model).Single(f => f.Number == ModelGraph && f.Wire == ProtoWire.LengthDelimited);
        var graph = ProtoWire.Payload(model, graphField);

        // Reads of each tensor by any node, and by a MatMul as its weight: a weight read elsewhere too keeps its float copy.
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var matMulUses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in ProtoWire.Messages(graph, GraphNode))
        {
            var inputs = ProtoWire.ReadStrings(node, NodeInput);
            foreach (var input in inputs) uses[input] = uses.GetValueOrDefault(input) + 1;
            if (inputs.Count == 2 && ProtoWire.ReadString(node, NodeOpType) == "MatMul") matMulUses[inputs[1]] = matMulUses.GetValueOrDefault(inputs[1]) + 1;
        }

        // Each MatMul weight quantized as it is read: the float copies never pile up (the model is ~90 MB).
        var quantized = new Dictionary<string, byte[][]>(StringComparer.Ordinal);
        foreach (var f in ProtoWire.Fields(graph))
        {
            if (f.Number != GraphInitializer || f.Wire != ProtoWire.LengthDelimited) continue;
            var tensor = ProtoWire.Payload(graph, f);
            if (ProtoWire.ReadString(tensor, TensorName) is not { } name || !matMulUses.ContainsKey(name)) continue;
            if (ReadFloatMatrix(tensor) is { } matrix) quantized[name] = [.. QuantizedTensors(name, matrix.Dims, matrix.Values)];
        }
        LastRewritten = quantized.Count;

        // One pass in order (ONNX wants nodes sorted): each rewritten MatMul replaced in place by its
        // nodes, float weights no other node reads left out, the quantized tensors appended.
        using var newGraph = new MemoryStream(graph.Length);
        foreach (var f in ProtoWire.Fields(graph))
        {
            if (f.Wire == ProtoWire.LengthDelimited && f.Number == GraphNode && Rewrite(ProtoWire.Payload(graph, f)) is { } replacement)
            {
                newGraph.Write(replacement);
                continue;
            }
            if (f.Wire == ProtoWire.LengthDelimited && f.Number == GraphInitializer && matMulUses.Count > 0)
            {
                var name = InitializerName(graph, f);
                if (name is not null && quantized.ContainsKey(name) && uses.GetValueOrDefault(name) == matMulUses.GetValueOrDefault(name)) continue;
            }
            newGraph.Write(graph, f.Start, f.End - f.Start);
        }
        foreach (var tensor in Constants().Concat(quantized.Values.SelectMany(t => t))) ProtoWire.WriteBytes(newGraph, GraphInitializer, tensor);

        byte[]? Rewrite(byte[] node)
        {
            if (ProtoWire.ReadString(node, NodeOpType) != "MatMul" || ProtoWire.ReadString(node, NodeDomain) is { Length: > 0 }) return null;
            var inputs = ProtoWire.ReadStrings(node, NodeInput);
            if (inputs.Count != 2 || !quantized.ContainsKey(inputs[1])) return null;
            var outputs = ProtoWire.ReadStrings(node, NodeOutput);
            if (outputs.Count != 1) return null;
            return PerTokenMatMul(ProtoWire.ReadString(node, NodeName) ?? outputs[0], inputs[0], inputs[1], outputs[0]);
        }

        using var output = new MemoryStream((int)newGraph.Length + 4096);
        foreach (var f in ProtoWire.Fields(model))
        {
            if (f.Number == ModelGraph && f.Wire == ProtoWire.LengthDelimited) ProtoWire.WriteBytes(output, ModelGraph, newGraph.GetBuffer().AsSpan(0, (int)newGraph.Length));
            else output.Write(model, f.Start, f.End - f.Start);
        }
        return output.ToArray();
    }

    /// <summary>An initializer's name, read without copying its (maybe large) payload.</summary>
    private static string? InitializerName(byte[] graph, ProtoWire.Field field)
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

    private static (string Name, long[] Dims, float[] Values)? ReadFloatMatrix(byte[] tensor)
    {
        var dims = ProtoWire.ReadInt64s(tensor, TensorDims);
        if (dims.Count != 2) return null;
        long type = 0;
        foreach (var f in ProtoWire.Fields(tensor))
            if (f.Number == TensorDataType && f.Wire == ProtoWire.Varint) type = (long)f.Value;
        if (type != FloatType || ProtoWire.ReadString(tensor, TensorName) is not { } name) return null;
        var count = checked((int)(dims[0] * dims[1]));
        float[] values;
        if (ProtoWire.Messages(tensor, TensorRawData).FirstOrDefault() is { } raw)
        {
            if (raw.Length != count * 4) return null;
            values = new float[count];
            for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4, 4));
        }
        else
        {
            values = [.. ProtoWire.ReadFloats(tensor, TensorFloatData)];
            if (values.Length != count) return null;
        }
        return (name, [.. dims], values);
    }

    /// <summary>Largest quantized weight magnitude: 7 bits (see the class remarks).</summary>
    internal const int WeightLimit = 63;

    /// <summary>The weight [K, N] as int8, symmetric, with one scale per column n (its largest magnitude maps to <see cref="WeightLimit"/>).</summary>
    internal static IEnumerable<byte[]> QuantizedTensors(string name, long[] dims, float[] values)
    {
        var (rows, columns) = ((int)dims[0], (int)dims[1]);
        var scales = new float[columns];
        var quantized = new byte[values.Length];
        for (var n = 0; n < columns; n++)
        {
            float largest = 0;
            for (var k = 0; k < rows; k++) largest = Math.Max(largest, Math.Abs(values[k * columns + n]));
            var scale = largest == 0 ? 1 : largest / WeightLimit;
            scales[n] = scale;
            for (var k = 0; k < rows; k++)
                quantized[k * columns + n] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(values[k * columns + n] / scale), -WeightLimit, WeightLimit));
        }
        yield return Tensor(name + "_quantized", [rows, columns], Int8Type, quantized);
        var scaleBytes = new byte[columns * 4];
        for (var n = 0; n < columns; n++) BinaryPrimitives.WriteSingleLittleEndian(scaleBytes.AsSpan(n * 4), scales[n]);
        yield return Tensor(name + "_scale", [columns], FloatType, scaleBytes);
    }

    private static byte[] Tensor(string name, long[] dims, int type, byte[] raw)
    {
        using var output = new MemoryStream(raw.Length + 64);
        foreach (var d in dims) ProtoWire.WriteInt64(output, TensorDims, d);
        ProtoWire.WriteInt64(output, TensorDataType, type);
        ProtoWire.WriteBytes(output, TensorName, Encoding.UTF8.GetBytes(name));
        ProtoWire.WriteBytes(output, TensorRawData, raw);
        return output.ToArray();
    }

    /// <summary>The constants every rewritten MatMul shares: 127, the uint8 zero point 128 (symmetric codes shifted to u8) and a floor for all-zero rows.</summary>
    private static IEnumerable<byte[]> Constants()
    {
        yield return Tensor(Prefix + "127", [], FloatType, BitConverter.GetBytes(127f));
        yield return Tensor(Prefix + "128", [], FloatType, BitConverter.GetBytes(128f));
        yield return Tensor(Prefix + "zero_point", [], Uint8Type, [128]);
        yield return Tensor(Prefix + "floor", [], FloatType, BitConverter.GetBytes(1e-30f));
    }

    /// <summary>
    /// y = x·W as: s = max(|x|, per row)/127; q = round(x/s) + 128 as uint8; MatMulInteger(q, W8, 128)
    /// as float, times s, times W's column scales. One message holding several NodeProtos.
    /// </summary>
    private static byte[] PerTokenMatMul(string name, string x, string weight, string y)
    {
        var n = Prefix + name + "_";
        using var output = new MemoryStream();
        void Add(string op, string[] inputs, string result, params byte[][] attributes)
        {
            var node = NodeBytes(n + op + "_" + result, op, inputs, result, attributes);
            ProtoWire.WriteBytes(output, GraphNode, node);
        }
        Add("Abs", [x], n + "abs");
        Add("ReduceMax", [n + "abs"], n + "max", IntsAttr("axes", -1), IntAttr("keepdims", 1));
        Add("Max", [n + "max", Prefix + "floor"], n + "maxed");
        Add("Div", [n + "maxed", Prefix + "127"], n + "scale");
        Add("Div", [x, n + "scale"], n + "scaled");
        Add("Round", [n + "scaled"], n + "rounded");
        Add("Add", [n + "rounded", Prefix + "128"], n + "shifted");
        Add("Cast", [n + "shifted"], n + "codes", IntAttr("to", Uint8Type));
        Add("MatMulInteger", [n + "codes", weight + "_quantized", Prefix + "zero_point"], n + "product");
        Add("Cast", [n + "product"], n + "float", IntAttr("to", FloatType));
        Add("Mul", [n + "float", n + "scale"], n + "rescaled");
        Add("Mul", [n + "rescaled", weight + "_scale"], y);
        return output.ToArray();
    }

    private static byte[] NodeBytes(string name, string op, string[] inputs, string output, byte[][] attributes)
    {
        using var node = new MemoryStream();
        foreach (var i in inputs) ProtoWire.WriteBytes(node, NodeInput, Encoding.UTF8.GetBytes(i));
        ProtoWire.WriteBytes(node, NodeOutput, Encoding.UTF8.GetBytes(output));
        ProtoWire.WriteBytes(node, NodeName, Encoding.UTF8.GetBytes(name));
        ProtoWire.WriteBytes(node, NodeOpType, Encoding.UTF8.GetBytes(op));
        foreach (var a in attributes) ProtoWire.WriteBytes(node, NodeAttribute, a);
        return node.ToArray();
    }

    private static byte[] IntAttr(string name, long value)
    {
        using var a = new MemoryStream();
        ProtoWire.WriteBytes(a, AttributeName, Encoding.UTF8.GetBytes(name));
        ProtoWire.WriteInt64(a, AttributeInt, value);
        ProtoWire.WriteInt64(a, AttributeType, IntAttribute);
        return a.ToArray();
    }

    private static byte[] IntsAttr(string name, params long[] values)
    {
        using var a = new MemoryStream();
        ProtoWire.WriteBytes(a, AttributeName, Encoding.UTF8.GetBytes(name));
        foreach (var v in values) ProtoWire.WriteInt64(a, AttributeInts, v);
        ProtoWire.WriteInt64(a, AttributeType, IntsAttribute);
        return a.ToArray();
    }
}
