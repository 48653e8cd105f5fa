using Classifier.Core.Prediction;

namespace Classifier.Api;

/// <summary>
/// <c>?explain=true</c>: the words and n-grams that pushed the text toward each label, read from the
/// serving model's linear weights (the top 10 per label).
/// </summary>
public sealed class WeightsExplainer : IStanceExplainer
{
    private const int Top = 10;

    public object Explain(StanceClassifier classifier, string text, StancePrediction prediction) => classifier.Explain(text, Top);
}
