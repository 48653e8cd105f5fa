namespace Classifier.Api;

/// <summary>The service's settings, bound from the <c>Classifier</c> configuration section.</summary>
public sealed record ClassifierApiOptions
{
    public const string Section = "Classifier";

    /// <summary>The model zip; a relative path is looked up from the working folder, then the content root and its parents up to the repository root.</summary>
    public string ModelPath { get; init; } = "models/stance.zip";

    /// <summary>Reload the model when its file changes; a broken new file keeps the old model (see <c>GET /health</c>).</summary>
    public bool WatchForChanges { get; init; } = true;

    /// <summary>Longest accepted text, in characters (UTF-16 code units); longer is a 400.</summary>
    public int MaxTextLength { get; init; } = 100_000;

    /// <summary>Most texts in one <c>POST /classify/batch</c>; more is a 413.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>Most texts in one <c>POST /shares</c>; more is a 413. Larger corpora go through <c>classifier-score --shares</c>.</summary>
    public int MaxShareTexts { get; init; } = 10_000;

    /// <summary>Most bootstrap replicates one <c>POST /shares</c> may ask for.</summary>
    public int MaxShareReplicates { get; init; } = 10_000;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new InvalidOperationException($"{Section}:ModelPath is empty.");
        if (MaxTextLength < 1) throw new InvalidOperationException($"{Section}:MaxTextLength must be at least 1.");
        if (MaxBatchSize < 1) throw new InvalidOperationException($"{Section}:MaxBatchSize must be at least 1.");
        if (MaxShareTexts < 1) throw new InvalidOperationException($"{Section}:MaxShareTexts must be at least 1.");
        if (MaxShareReplicates < 2) throw new InvalidOperationException($"{Section}:MaxShareReplicates must be at least 2.");
    }
}
