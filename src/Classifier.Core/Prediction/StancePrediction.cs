namespace Classifier.Core.Prediction;

/// <summary>
/// One text's prediction: the predicted <paramref name="Label"/>, its probability
/// (<paramref name="Confidence"/>) and every label's probability, keyed by the model's Score slot names.
/// </summary>
public sealed record StancePrediction(string Label, float Confidence, IReadOnlyDictionary<string, float> Probabilities);
