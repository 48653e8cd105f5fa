using Classifier.Core.Model;

namespace Classifier.Core.Prediction;

/// <summary>
/// What a <see cref="StanceClassifier"/> is currently serving: where it came from, its labels (Score
/// slot order), its card when one sits beside the zip, and its generation (1 at load, +1 per reload).
/// </summary>
public sealed record StanceModelInfo(
    string Source,
    string Sha256,
    IReadOnlyList<string> Labels,
    ModelCard? Card,
    DateTimeOffset LoadedUtc,
    int Generation);
