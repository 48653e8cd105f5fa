using System.Buffers.Binary;
using System.Text;

namespace Classifier.Onnx;

/// <summary>
/// Just enough of the protobuf wire format to edit a few attributes of an exported ONNX model:
/// the converter's generated ONNX classes are internal, and every untouched byte is copied as-is.
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    public readonly record struct Field(int Number, int Wire, int Start, int End, int PayloadStart, int PayloadLength, ulong Value);

    public static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var start = position;
            var tag = ReadVarint(message, ref position);
            var wire = (int)(tag & 7);
            var number = (int)(tag >> 3);
            var payloadStart = position;
            int payloadLength;
            ulong value = 0;
            switch (wire)
            {
                case Varint: value = ReadVarint(message, ref position); payloadLength = position - payloadStart; break;
                case Fixed64: position += 8; payloadLength = 8; break;
                case Fixed32: position += 4; payloadLength = 4; break;
                case LengthDelimited:
                    payloadLength = checked((int)ReadVarint(message, ref position));
                    payloadStart = position;
                    position += payloadLength;
                    break;
                default: throw new InvalidDataException($"unexpected protobuf wire type {wire}.");
            }
            if (position > message.Length) throw new InvalidDataException("truncated protobuf message.");
            yield return new Field(number, wire, start, position, payloadStart, payloadLength, value);
        }
    }

    public static byte[] Payload(byte[] message, Field field) => message[field.PayloadStart..(field.PayloadStart + field.PayloadLength)];

    public static string? ReadString(byte[] message, int number)
    {
        foreach (var f in Fields(message))
            if (f.Number == number && f.Wire == LengthDelimited) return Encoding.UTF8.GetString(message, f.PayloadStart, f.PayloadLength);
        return null;
    }

    public static IEnumerable<byte[]> Messages(byte[] message, int number) =>
        Fields(message).Where(f => f.Number == number && f.Wire == LengthDelimited).Select(f => Payload(message, f));

    public static List<string> ReadStrings(byte[] message, int number) =>
        [.. Messages(message, number).Select(b => Encoding.UTF8.GetString(b))];

    public static byte[] PackInt64s(IEnumerable<long> values)
    {
        using var output = new MemoryStream();
        foreach (var v in values) WriteVarint(output, (ulong)v);
        return output.ToArray();
    }

    /// <summary>A repeated int64 field, packed or not (proto2 writers differ).</summary>
    public static List<long> ReadInt64s(byte[] message, int number)
    {
        var values = new List<long>();
        foreach (var f in Fields(message).Where(f => f.Number == number))
        {
            if (f.Wire == Varint) values.Add((long)f.Value);
            else if (f.Wire == LengthDelimited)
            {
                var position = f.PayloadStart;
                while (position < f.PayloadStart + f.PayloadLength) values.Add((long)ReadVarint(message, ref position));
            }
        }
        return values;
    }

    /// <summary>A repeated float field, packed or not.</summary>
    public static List<float> ReadFloats(byte[] message, int number)
    {
        var values = new List<float>();
        foreach (var f in Fields(message).Where(f => f.Number == number))
        {
            if (f.Wire is not (Fixed32 or LengthDelimited)) continue;
            for (var p = f.PayloadStart; p < f.PayloadStart + f.PayloadLength; p += 4)
                values.Add(BinaryPrimitives.ReadSingleLittleEndian(message.AsSpan(p, 4)));
        }
        return values;
    }

    /// <summary>Copies <paramref name="message"/>, passing the payload of each length-delimited field <paramref name="number"/> through <paramref name="map"/>.</summary>
    public static byte[] RewriteMessages(byte[] message, int number, Func<byte[], byte[]> map)
    {
        using var output = new MemoryStream(message.Length + 64);
        foreach (var f in Fields(message))
        {
            if (f.Number == number && f.Wire == LengthDelimited) WriteBytes(output, number, map(Payload(message, f)));
            else output.Write(message, f.Start, f.End - f.Start);
        }
        return output.ToArray();
    }

    /// <summary>Copies <paramref name="message"/> without the length-delimited fields <paramref name="number"/> that <paramref name="drop"/> picks.</summary>
    public static byte[] RemoveMessages(byte[] message, int number, Func<byte[], bool> drop)
    {
        using var output = new MemoryStream(message.Length);
        foreach (var f in Fields(message))
            if (!(f.Number == number && f.Wire == LengthDelimited && drop(Payload(message, f)))) output.Write(message, f.Start, f.End - f.Start);
        return output.ToArray();
    }

    public static void WriteBytes(Stream output, int number, ReadOnlySpan<byte> payload)
    {
        WriteVarint(output, ((ulong)number << 3) | LengthDelimited);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
    }

    public static void WriteInt64(Stream output, int number, long value)
    {
        WriteVarint(output, ((ulong)number << 3) | Varint);
        WriteVarint(output, (ulong)value);
    }

    // AttributeProto fields and types (onnx.proto): the two attribute kinds more than one graph edit writes.
    private const int AttributeName = 1, AttributeInt = 3, AttributeInts = 8, AttributeType = 20, TypeInt = 2, TypeInts = 7;

    /// <summary>An ONNX AttributeProto holding one int64.</summary>
    public static byte[] IntAttribute(string name, long value)
    {
        using var output = new MemoryStream();
        WriteBytes(output, AttributeName, Encoding.UTF8.GetBytes(name));
        WriteInt64(output, AttributeInt, value);
        WriteInt64(output, AttributeType, TypeInt);
        return output.ToArray();
    }

    /// <summary>An ONNX AttributeProto holding int64s (packed).</summary>
    public static byte[] IntsAttribute(string name, IEnumerable<long> values)
    {
        using var output = new MemoryStream();
        WriteBytes(output, AttributeName, Encoding.UTF8.GetBytes(name));
        WriteBytes(output, AttributeInts, PackInt64s(values));
        WriteInt64(output, AttributeType, TypeInts);
        return output.ToArray();
    }

    public static void WritePackedFloats(Stream output, int number, IReadOnlyList<float> values)
    {
        var payload = new byte[values.Count * 4];
        for (var i = 0; i < values.Count; i++) BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(i * 4), values[i]);
        WriteBytes(output, number, payload);
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= buffer.Length) throw new InvalidDataException("truncated varint.");
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("malformed varint.");
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }
}
