using Classifier.Core;
using Classifier.Core.Prediction;

// Usage: MinimalApp [MODEL.zip] [TEXT]; defaults to the shipped model and one sentence.
var modelPath = args.Length > 0 ? args[0] : Path.Combine("models", "stance.zip");
var text = args.Length > 1 ? args[1] : "Backdoors weaken security for everyone.";

try
{
    using var classifier = StanceClassifier.Load(modelPath);
    var prediction = classifier.Predict(text);
    Console.WriteLine($"{prediction.Label} {prediction.Confidence:0.000}");
    return ExitCodes.Success;
}
catch (ClassifierException e)
{
    // One line a user can act on (a missing file, or "add a reference to Classifier.Embeddings").
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.For(e.Kind);
}
