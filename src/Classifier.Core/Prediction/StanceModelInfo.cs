using Classifier.Core.Model;

namespace Classifier.Core.Prediction;

/// <summary>
/// What a <see cref="StanceClassifier"/> is currently serving: where it came from, its labels (Score
/// slot order), its card when one sits beside the zip, and its generation (1 at load, +1 per reload).
/// </summary>
/// <param name="Source">The model file's full path, or <c>(stream)</c>.</param>
/// <param name="Sha256">SHA-256 of the zip's bytes, lower-case hex.</param>
/// <param name="Labels">Label names in Score slot order.</param>
/// <param name="Card">The card beside the zip, or null.</param>
/// <param name="LoadedUtc">When this model was loaded.</param>
/// <param name="Generation">1 for the first load, one more per reload.</param>
public sealed record StanceModelInfo(
    string Source,
    string Sha256,
    IReadOnlyList<string> Labels,
    ModelCard? Card,
    DateTimeOffset LoadedUtc,
    int Generation)
{
    /// <summary>Whether the card beside the zip belongs to it; a mismatched card is not kept (<see cref="Card"/> is null).</summary>
    public CardStatus CardStatus { get; init; }

    /// <summary>Why the card is unverified or ignored, in one line; null when it is verified or absent.</summary>
    public string? CardNote { get; init; }
}
