using System.Text.Json.Serialization;

namespace Classifier.Api;

/// <summary>Body of <c>POST /classify</c>. Unknown fields are refused so that a misspelt <c>text</c> is a 400, not a silent miss.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ClassifyRequest(string? Text);

/// <summary>Body of <c>POST /classify/batch</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ClassifyBatchRequest(IReadOnlyList<string?>? Texts);

/// <summary>One text's stance: the label, its probability and every label's probability.</summary>
public sealed record ClassifyResponse(string Label, float Confidence, IReadOnlyDictionary<string, float> Probabilities)
{
    /// <summary>Filled only for <c>?explain=true</c> when an <see cref="IStanceExplainer"/> is registered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Explanation { get; init; }
}

/// <summary>Predictions in the order of the request's texts.</summary>
public sealed record ClassifyBatchResponse(IReadOnlyList<ClassifyResponse> Predictions);

public sealed record HealthResponse(
    string Status,
    HealthModel Model,
    string? LastReloadError,
    HealthCard? Card,
    HealthLimits Limits);

/// <summary>
/// The model in use: its file name (never the folder), SHA-256, generation (1 at start, +1 per reload), labels,
/// and whether its card is <c>verified</c> (records this zip's hash), <c>unverified</c> (records no hash),
/// <c>mismatched</c> (another zip's: ignored, <c>card</c> is null) or <c>missing</c>.
/// </summary>
public sealed record HealthModel(string File, string Sha256, int Generation, DateTimeOffset LoadedUtc, IReadOnlyList<string> Labels, string CardStatus, string? CardNote);

public sealed record HealthCard(
    string Trainer,
    string FeatureSet,
    string Features,
    int TrainingRows,
    double? TestMacroF1,
    double? TestAccuracy,
    string MlNetVersion,
    DateTimeOffset CreatedUtc);

public sealed record HealthLimits(int MaxTextLength, int MaxBatchSize, int MaxExplainCharacters, int RequestTimeoutSeconds);
