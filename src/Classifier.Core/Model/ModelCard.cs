using System.Text.Json;
using System.Text.Json.Serialization;
using Classifier.Core.Evaluation;

namespace Classifier.Core.Model;

/// <summary>Where a data file came from, and its bytes' hash, so a card can tell when its data changed.</summary>
public sealed record DataFileInfo(string Path, string Sha256, int Rows, int Skipped);

/// <summary>
/// What a model zip is: labels, trainer, features, data and figures. Written beside the zip as
/// <c>NAME.card.json</c>.
/// </summary>
public sealed record ModelCard
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Cards are read by people: keep '+' and non-ASCII readable rather than \uXXXX-escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public int CardVersion { get; init; } = 1;
    public required IReadOnlyList<string> Labels { get; init; }
    public required string Trainer { get; init; }
    public required IReadOnlyDictionary<string, string> TrainerSettings { get; init; }
    public required string FeatureSet { get; init; }
    public required string Features { get; init; }
    public required Features.FeatureOptions FeatureSettings { get; init; }
    public required DataFileInfo Training { get; init; }
    public DataFileInfo? Test { get; init; }
    public CrossValidationSummary? CrossValidation { get; init; }
    public EvaluationReport? TestMetrics { get; init; }

    /// <summary>The out-of-domain file (different voices from the training data) and the saved model's figures on it.</summary>
    public DataFileInfo? Ood { get; init; }
    public EvaluationReport? OodMetrics { get; init; }

    /// <summary>Temperature fitted on out-of-fold predictions, whether it is applied, and ECE before/after.</summary>
    public Calibration.CalibrationInfo? Calibration { get; init; }
    public IReadOnlyList<LeaderboardEntry>? Leaderboard { get; init; }
    public required int Seed { get; init; }
    public required string MlNetVersion { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public long ModelBytes { get; init; }

    /// <summary>
    /// SHA-256 of the zip this card describes (lower-case hex), so a card left beside another zip is
    /// caught (<see cref="ModelPair.Check"/>). Null on cards written before it was recorded ("unverified").
    /// </summary>
    public string? ModelSha256 { get; init; }

    public static string PathFor(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var name = Path.GetFileNameWithoutExtension(full);
        return Path.Combine(Path.GetDirectoryName(full)!, name + ".card.json");
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ModelCard? TryRead(string modelPath)
    {
        var path = PathFor(modelPath);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One trainer's cross-validated figures in <c>--trainer auto</c>.</summary>
public sealed record LeaderboardEntry(string Trainer, MeanSd MacroF1, MeanSd Accuracy, MeanSd LogLoss, double Seconds);
