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

    /// <summary>
    /// API keys; when any is set, every request needs one in the <c>X-Api-Key</c> header (401 otherwise).
    /// Required whenever the service listens beyond loopback, unless <see cref="AllowAnonymous"/> is set.
    /// </summary>
    public string[] ApiKeys { get; init; } = [];

    /// <summary>Serve without API keys on a non-loopback address (a deliberate choice, e.g. behind an authenticating proxy).</summary>
    public bool AllowAnonymous { get; init; }

    /// <summary>Requests per second each client may make (token bucket; a client is its API key, else its address); 0 for no limit.</summary>
    public int RateLimitPerSecond { get; init; } = 2000;

    /// <summary>Requests a client may make at once above its rate (the bucket's size).</summary>
    public int RateLimitBurst { get; init; } = 4000;

    /// <summary>Time budget of one request, in seconds; past it the work is cancelled and the answer is a 504. Work also stops when the client leaves.</summary>
    public int RequestTimeoutSeconds { get; init; } = 30;

    /// <summary>Characters one request may ask to explain (<c>?explain=true</c>, summed over its texts); more is a 413.</summary>
    public int MaxExplainCharacters { get; init; } = 20_000;

    /// <summary>Open connections Kestrel accepts at once.</summary>
    public long MaxConnections { get; init; } = 1000;

    /// <summary>Most the model zip may expand to (bytes); a bigger one is refused before extraction, at start and on reload.</summary>
    public long MaxModelExpandedBytes { get; init; } = Classifier.Core.Model.ZipBound.DefaultMaxExpandedBytes;

    /// <summary>The service's public URL for the OpenAPI document's <c>servers</c>; none when unset (never taken from the Host header).</summary>
    public string? PublicUrl { get; init; }

    /// <summary>Most texts in one <c>POST /shares</c>; more is a 413. Larger corpora go through <c>classifier-score --shares</c>.</summary>
    public int MaxShareTexts { get; init; } = 10_000;

    /// <summary>Most bootstrap replicates one <c>POST /shares</c> may ask for.</summary>
    public int MaxShareReplicates { get; init; } = 10_000;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw Bad("ModelPath", "is empty");
        if (MaxTextLength < 1) throw Bad("MaxTextLength", $"must be at least 1 (got {MaxTextLength})");
        if (MaxBatchSize < 1) throw Bad("MaxBatchSize", $"must be at least 1 (got {MaxBatchSize})");
        if (MaxShareTexts < 1) throw Bad("MaxShareTexts", $"must be at least 1 (got {MaxShareTexts})");
        if (MaxShareReplicates < 2) throw Bad("MaxShareReplicates", $"must be at least 2 (got {MaxShareReplicates})");
        if (RateLimitPerSecond < 0) throw Bad("RateLimitPerSecond", $"must be 0 (no limit) or more (got {RateLimitPerSecond})");
        if (RateLimitBurst < 1) throw Bad("RateLimitBurst", $"must be at least 1 (got {RateLimitBurst})");
        if (RequestTimeoutSeconds < 1) throw Bad("RequestTimeoutSeconds", $"must be at least 1 (got {RequestTimeoutSeconds})");
        if (MaxExplainCharacters < 0) throw Bad("MaxExplainCharacters", $"must be 0 (explain off) or more (got {MaxExplainCharacters})");
        if (MaxConnections < 1) throw Bad("MaxConnections", $"must be at least 1 (got {MaxConnections})");
        if (MaxModelExpandedBytes < 1) throw Bad("MaxModelExpandedBytes", $"must be at least 1 (got {MaxModelExpandedBytes})");
        if (ApiKeys.Any(string.IsNullOrWhiteSpace)) throw Bad("ApiKeys", "holds an empty key");
        if (PublicUrl is not null && !Uri.TryCreate(PublicUrl, UriKind.Absolute, out _)) throw Bad("PublicUrl", $"'{PublicUrl}' is not an absolute URL");
    }

    private static Classifier.Core.ClassifierException Bad(string key, string what) =>
        Classifier.Core.ClassifierException.Arguments($"{Section}:{key} {what}.");
}
