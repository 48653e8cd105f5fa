using Classifier.Core.Prediction;

namespace Classifier.Api;

/// <summary>
/// The hook for <c>?explain=true</c>: register one in DI and its result is returned as
/// <c>explanation</c> beside each prediction (<see cref="WeightsExplainer"/> by default). Without one,
/// <c>explain=true</c> is a 400.
/// </summary>
public interface IStanceExplainer
{
    object Explain(StanceClassifier classifier, string text, StancePrediction prediction);
}
