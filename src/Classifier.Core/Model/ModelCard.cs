using System.Text.Json;
using System.Text.Json.Serialization;
using Classifier.Core.Evaluation;

namespace Classifier.Core.Model;

/// <summary>Where a data file came from, and its bytes' hash, so a card can tell when its data changed.</summary>
/// <param name="Path">The file as given to the training command.</param>
/// <param name="Sha256">SHA-256 of its bytes, lower-case hex.</param>
/// <param name="Rows">Rows read.</param>
/// <param name="Skipped">Rows skipped for an empty text or label.</param>
public sealed record DataFileInfo(string Path, string Sha256, int Rows, int Skipped);

/// <summary>
/// What a model zip is: labels, trainer, features, data and figures. Written beside the zip as
/// <c>NAME.card.json</c>.
/// </summary>
public sealed record ModelCard
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Cards are read by people: keep '+' and non-ASCII readable rather than \uXXXX-escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The card format's version; readers may reject versions they do not know.</summary>
    public int CardVersion { get; init; } = 1;
    /// <summary>Label names in Score slot order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>The trainer that fitted the saved model (<c>sdca</c>, <c>lbfgs</c>, <c>fasttree</c>).</summary>
    public required string Trainer { get; init; }
    /// <summary>The ML.NET trainer and the settings it was fitted with (iterations, <c>l2</c>, trees, threads ...), as invariant-culture text.</summary>
    public required IReadOnlyDictionary<string, string> TrainerSettings { get; init; }
    /// <summary>The feature blocks (<c>ngrams</c>, <c>embeddings</c>, <c>both</c>); anything but ngrams needs Classifier.Embeddings to load.</summary>
    public required string FeatureSet { get; init; }
    /// <summary>The features in one human-readable line (<see cref="Features.FeatureOptions.Describe"/>).</summary>
    public required string Features { get; init; }
    /// <summary>The feature settings themselves, so the model can be refit exactly.</summary>
    public required Features.FeatureOptions FeatureSettings { get; init; }
    /// <summary>The training file.</summary>
    public required DataFileInfo Training { get; init; }
    /// <summary>The held-out test file, when one was evaluated.</summary>
    public DataFileInfo? Test { get; init; }
    /// <summary>Cross-validation figures on the training file, when folds were run.</summary>
    public CrossValidationSummary? CrossValidation { get; init; }
    /// <summary>The saved model's figures on <see cref="Test"/>.</summary>
    public EvaluationReport? TestMetrics { get; init; }

    /// <summary>The out-of-domain file (different voices from the training data) and the saved model's figures on it.</summary>
    public DataFileInfo? Ood { get; init; }
    /// <summary>The saved model's figures on <see cref="Ood"/>.</summary>
    public EvaluationReport? OodMetrics { get; init; }

    /// <summary>The development file settings were chosen on, and the saved model's figures on it.</summary>
    public DataFileInfo? Dev { get; init; }
    /// <summary>The saved model's figures on <see cref="Dev"/>.</summary>
    public EvaluationReport? DevMetrics { get; init; }

    /// <summary>The dev file's column the figures are split by (<c>register</c>), and the figures per group.</summary>
    public string? DevGroupColumn { get; init; }
    /// <summary>The dev figures per value of <see cref="DevGroupColumn"/>, ordinal-sorted.</summary>
    public IReadOnlyList<GroupMetrics>? DevByGroup { get; init; }

    /// <summary>Temperature fitted on out-of-fold predictions, whether it is applied, and ECE before/after.</summary>
    public Calibration.CalibrationInfo? Calibration { get; init; }
    /// <summary>With <c>--trainer auto</c>: every candidate trainer's cross-validated figures, best first.</summary>
    public IReadOnlyList<LeaderboardEntry>? Leaderboard { get; init; }

    /// <summary>The model's error rates from out-of-fold predictions, for share estimates (<c>--shares</c>); null in cards written before them.</summary>
    public Quantification.QuantificationStats? Quantification { get; init; }
    /// <summary>What <c>classifier-score drift</c> compares a corpus with; null in cards written before it existed.</summary>
    public Trust.DriftBaseline? Drift { get; init; }

    /// <summary>The seed; the same seed, data and options give the same model.</summary>
    public required int Seed { get; init; }
    /// <summary>The Microsoft.ML version that trained the model.</summary>
    public required string MlNetVersion { get; init; }
    /// <summary>When the model was saved (UTC).</summary>
    public required DateTimeOffset CreatedUtc { get; init; }
    /// <summary>The model zip's size in bytes.</summary>
    public long ModelBytes { get; init; }

    /// <summary>
    /// SHA-256 of the zip this card describes (lower-case hex), so a card left beside another zip is
    /// caught (<see cref="ModelPair.Check"/>). Null on cards written before it was recorded ("unverified").
    /// </summary>
    public string? ModelSha256 { get; init; }

    /// <summary>Where the card of a model zip lives: <c>NAME.card.json</c> beside <c>NAME.zip</c>, as a full path.</summary>
    /// <param name="modelPath">The model zip's path.</param>
    public static string PathFor(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var name = Path.GetFileNameWithoutExtension(full);
        return Path.Combine(Path.GetDirectoryName(full)!, name + ".card.json");
    }

    /// <summary>The card as indented camelCase JSON, as it is written to disk.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads the card beside a model zip; null when there is none or it is not valid card JSON.</summary>
    /// <param name="modelPath">The model zip's path (not the card's).</param>
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
/// <param name="Trainer">The trainer's name.</param>
/// <param name="MacroF1">Cross-validated macro-F1.</param>
/// <param name="Accuracy">Cross-validated accuracy.</param>
/// <param name="LogLoss">Cross-validated log-loss.</param>
/// <param name="Seconds">Time its cross-validation took.</param>
public sealed record LeaderboardEntry(string Trainer, MeanSd MacroF1, MeanSd Accuracy, MeanSd LogLoss, double Seconds);
