using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;

namespace Classifier.Core.Features;

/// <summary>
/// The sentence-embedding feature block as Core sees it. The encoder (MiniLM on ONNX Runtime, ~90 MB)
/// lives in the Classifier.Embeddings assembly so that apps using n-gram models do not ship it; that
/// assembly registers its implementation here (<see cref="SentenceEmbeddings.Use"/>).
/// </summary>
internal interface ISentenceEmbeddings
{
    /// <summary>The vector column the mapping adds.</summary>
    string OutputColumn { get; }

    /// <summary>The Text → vector step, saved in the model zip as a CustomMapping (contract <see cref="SentenceEmbeddings.MappingContract"/>).</summary>
    IEstimator<ITransformer> CreateMapping(MLContext ml);

    /// <summary>The Text → vector step with the encoder of <paramref name="precision"/> (each has its own contract and column).</summary>
    IEstimator<ITransformer> CreateMapping(MLContext ml, EmbeddingsPrecision precision);

    /// <summary>The vector column the mapping of <paramref name="precision"/> adds.</summary>
    string OutputColumnFor(EmbeddingsPrecision precision);

    /// <summary>The batched encoder behind a model's vector column, or null when the column is not one of these mappings'.</summary>
    ISentenceVectors? VectorsFor(string column);

    /// <summary>Lets <paramref name="ml"/> re-create the mapping when it loads a zip that uses it.</summary>
    void RegisterWith(MLContext ml);

    /// <summary>Encodes the distinct texts not yet cached, in batches, so later folds and fits reuse them.</summary>
    void Prime(IEnumerable<string> texts, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="Prime(IEnumerable{string}, CancellationToken)"/>, with the encoder of <paramref name="precision"/>.</summary>
    void Prime(IEnumerable<string> texts, EmbeddingsPrecision precision, CancellationToken cancellationToken = default);

    /// <summary>Texts run through the encoder since the process started.</summary>
    long EncodedCount { get; }

    /// <summary>Drops the primed vectors.</summary>
    void ClearCache();
}

/// <summary>One encoder's batched form: what the compiled scorer and batch prediction call.</summary>
public interface ISentenceVectors
{
    /// <summary>Length of every vector.</summary>
    int Dimension { get; }

    /// <summary>The encoder's weights.</summary>
    EmbeddingsPrecision Precision { get; }

    /// <summary>Text i's vector (exactly as the mapping computes it) at <c>output[i * Dimension ..]</c>, for the first <paramref name="count"/> texts.</summary>
    void Embed(IReadOnlyList<string> texts, int count, float[] output, CancellationToken cancellationToken = default);
}

/// <summary>
/// Where Core finds the sentence-embedding implementation. Classifier.Embeddings registers itself from
/// its module initializer; because a referenced assembly is loaded only when one of its types is
/// touched, Core also loads it by name the first time it is needed, so referencing the package is enough.
/// </summary>
internal static class SentenceEmbeddings
{
    /// <summary>The assembly (and NuGet package) that implements the embeddings.</summary>
    public const string AssemblyName = "Classifier.Embeddings";

    /// <summary>The CustomMapping contract name an embeddings model zip stores (no weights).</summary>
    public const string MappingContract = "Classifier.MiniLmL6v2Embedding";

    // Probed once; other callers wait for it. Use takes no lock, so a module initializer running on
    // another thread (which the probe may wait for) can always finish.
    private static readonly Lazy<bool> Probed = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);
    private static ISentenceEmbeddings? _current;

    /// <summary>Registers the implementation (Classifier.Embeddings calls this; a test may call it with a fake).</summary>
    public static void Use(ISentenceEmbeddings embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        Volatile.Write(ref _current, embeddings);
    }

    /// <summary>The registered implementation, or null when Classifier.Embeddings is not beside the app.</summary>
    public static ISentenceEmbeddings? Current
    {
        get
        {
            if (Volatile.Read(ref _current) is { } current) return current;
            _ = Probed.Value;
            return Volatile.Read(ref _current);
        }
    }

    /// <summary>The implementation, or a one-line error saying which package to add.</summary>
    public static ISentenceEmbeddings Required(string what) =>
        Current ?? throw ClassifierException.Arguments($"{what} needs MiniLM sentence embeddings: add a reference to the {AssemblyName} package.");

    /// <summary>The one-line reason a model zip that uses the embeddings cannot load here.</summary>
    public static string MissingForModel(string name) =>
        $"{name}: the model uses MiniLM sentence embeddings; add a reference to the {AssemblyName} package to load it.";

    private static bool Probe()
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(AssemblyName));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return false;
        }
        // Loading does not run the module initializer; this does (once), and it calls Use.
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        return true;
    }
}
