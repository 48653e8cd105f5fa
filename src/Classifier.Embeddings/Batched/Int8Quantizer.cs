using System.Buffers.Binary;
using System.Text;
using Classifier.Onnx;

namespace Classifier.Embeddings.Batched;

/// <summary>
/// Dynamic quantization of an ONNX model's MatMul weights, done once on the model bytes: every MatMul
/// whose second input is a constant 2-D float initializer becomes ONNX Runtime's
/// <c>com.microsoft.DynamicQuantizeMatMul</c> with 8-bit weights, quantized per output column
/// (asymmetric, uint8 with a zero point); activations are quantized per call by the operator. Every
/// other byte of the model is copied as it is.
/// </summary>
/// <remarks>
/// uint8 weights rather than int8: ONNX Runtime's u8×s8 kernels on CPUs without VNNI add pairs of
/// products in 16 bits and can saturate, so int8 weights would give other vectors there; u8×u8 does not.
/// </remarks>
public static class Int8Quantizer
{
    // ModelProto, GraphProto, NodeProto, TensorProto and OperatorSetIdProto field numbers (onnx.proto).
    private const int ModelGraph = 7, ModelOpset = 8;
    private const int GraphNode = 1, GraphInitializer = 5;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeDomain = 7;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9;
    private const int OpsetDomain = 1, OpsetVersion = 2;
    private const int FloatType = 1, Uint8Type = 2;
    private const string Domain = "com.microsoft";

    /// <summary>How many MatMuls the last call rewrote (for the tests and the log).</summary>
    public static int LastRewritten { get; private set; }

    /// <summary>The model with its constant-weight MatMuls on 8-bit weights.</summary>
    public static byte[] Quantize(byte[] model)
    {
        var graphField = ProtoWire.Fields(model).Single(f => f.Number == ModelGraph && f.Wire == ProtoWire.LengthDelimited);
        var graph = ProtoWire.Payload(model, graphField);

        var weights = new Dictionary<string, (long[] Dims, float[] Values)>(StringComparer.Ordinal);
        foreach (var tensor in ProtoWire.Messages(graph, GraphInitializer))
        {
            if (ReadFloatMatrix(tensor) is { } matrix) weights[matrix.Name] = (matrix.Dims, matrix.Values);
        }
        // Reads of each tensor by any node, and by a MatMul as its weight: a weight read elsewhere too keeps its float copy.
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var matMulUses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in ProtoWire.Messages(graph, GraphNode))
        {
            var inputs = ProtoWire.ReadStrings(node, NodeInput);
            foreach (var input in inputs) uses[input] = uses.GetValueOrDefault(input) + 1;
            if (inputs.Count == 2 && ProtoWire.ReadString(node, NodeOpType) == "MatMul") matMulUses[inputs[1]] = matMulUses.GetValueOrDefault(inputs[1]) + 1;
        }

        var added = new List<byte[]>();
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        var rewritten = ProtoWire.RewriteMessages(graph, GraphNode, node =>
        {
            if (ProtoWire.ReadString(node, NodeOpType) != "MatMul" || ProtoWire.ReadString(node, NodeDomain) is { Length: > 0 }) return node;
            var inputs = ProtoWire.ReadStrings(node, NodeInput);
            if (inputs.Count != 2 || !weights.TryGetValue(inputs[1], out var w)) return node;
            var name = inputs[1];
            if (replaced.Add(name)) added.AddRange(QuantizedTensors(name, w.Dims, w.Values));
            return Node(ProtoWire.ReadString(node, NodeName) ?? name + "_quant",
                [inputs[0], name + "_quantized", name + "_scale", name + "_zero_point"], ProtoWire.ReadStrings(node, NodeOutput));
        });
        LastRewritten = replaced.Count;

        // Float weights no other node reads go; the quantized ones are appended.
        var kept = ProtoWire.RemoveMessages(rewritten, GraphInitializer, tensor =>
            ProtoWire.ReadString(tensor, TensorName) is { } n && replaced.Contains(n) && uses.GetValueOrDefault(n) == matMulUses.GetValueOrDefault(n));
        using var newGraph = new MemoryStream(kept.Length + added.Sum(a => a.Length + 8));
        newGraph.Write(kept);
        foreach (var tensor in added) ProtoWire.WriteBytes(newGraph, GraphInitializer, tensor);

        using var output = new MemoryStream(model.Length);
        var hasDomain = false;
        foreach (var f in ProtoWire.Fields(model))
        {
            if (f.Number == ModelGraph && f.Wire == ProtoWire.LengthDelimited) ProtoWire.WriteBytes(output, ModelGraph, newGraph.ToArray());
            else output.Write(model, f.Start, f.End - f.Start);
            if (f.Number == ModelOpset && ProtoWire.ReadString(ProtoWire.Payload(model, f), OpsetDomain) == Domain) hasDomain = true;
        }
        if (!hasDomain)
        {
            using var opset = new MemoryStream();
            ProtoWire.WriteBytes(opset, OpsetDomain, Encoding.UTF8.GetBytes(Domain));
            ProtoWire.WriteInt64(opset, OpsetVersion, 1);
            ProtoWire.WriteBytes(output, ModelOpset, opset.ToArray());
        }
        return output.ToArray();
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

    /// <summary>The weight [K, N] as uint8 with a scale and zero point per column n (min and max of the column, 0 included).</summary>
    internal static IEnumerable<byte[]> QuantizedTensors(string name, long[] dims, float[] values)
    {
        var (rows, columns) = ((int)dims[0], (int)dims[1]);
        var scales = new float[columns];
        var zeros = new byte[columns];
        var quantized = new byte[values.Length];
        for (var n = 0; n < columns; n++)
        {
            float min = 0, max = 0;
            for (var k = 0; k < rows; k++)
            {
                var v = values[k * columns + n];
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            var scale = (max - min) / 255f;
            if (scale == 0) scale = 1;
            var zero = (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255);
            scales[n] = scale;
            zeros[n] = zero;
            for (var k = 0; k < rows; k++)
                quantized[k * columns + n] = (byte)Math.Clamp(MathF.Round(values[k * columns + n] / scale) + zero, 0, 255);
        }
        yield return Tensor(name + "_quantized", [rows, columns], Uint8Type, quantized);
        var scaleBytes = new byte[columns * 4];
        for (var n = 0; n < columns; n++) BinaryPrimitives.WriteSingleLittleEndian(scaleBytes.AsSpan(n * 4), scales[n]);
        yield return Tensor(name + "_scale", [columns], FloatType, scaleBytes);
        yield return Tensor(name + "_zero_point", [columns], Uint8Type, zeros);
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

    private static byte[] Node(string name, IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        using var output = new MemoryStream();
        foreach (var i in inputs) ProtoWire.WriteBytes(output, NodeInput, Encoding.UTF8.GetBytes(i));
        foreach (var o in outputs) ProtoWire.WriteBytes(output, NodeOutput, Encoding.UTF8.GetBytes(o));
        ProtoWire.WriteBytes(output, NodeName, Encoding.UTF8.GetBytes(name));
        ProtoWire.WriteBytes(output, NodeOpType, "DynamicQuantizeMatMul"u8);
        ProtoWire.WriteBytes(output, NodeDomain, Encoding.UTF8.GetBytes(Domain));
        return output.ToArray();
    }
}
