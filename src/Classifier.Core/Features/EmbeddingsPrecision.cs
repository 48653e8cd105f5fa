using System.Text.Json.Serialization;

namespace Classifier.Core.Features;

/// <summary>The number format of the sentence encoder's MatMul weights.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EmbeddingsPrecision>))]
public enum EmbeddingsPrecision
{
    /// <summary>The package's 32-bit float weights.</summary>
    Fp32,

    /// <summary>8-bit weights (dynamic quantization of every constant-weight MatMul, done once at load).</summary>
    Int8,
}

/// <summary>Names of <see cref="EmbeddingsPrecision"/> as the command line spells them.</summary>
public static class EmbeddingsPrecisions
{
    /// <summary>"fp32" or "int8".</summary>
    public static string Name(this EmbeddingsPrecision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>Parses "fp32" or "int8" (any case).</summary>
    public static bool TryParse(string name, out EmbeddingsPrecision precision) =>
        Enum.TryParse(name, ignoreCase: true, out precision) && Enum.IsDefined(precision) && !int.TryParse(name, out _);
}
