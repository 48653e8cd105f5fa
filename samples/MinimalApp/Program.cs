using Classifier.Core.Prediction;

// Usage: MinimalApp [MODEL.zip] [TEXT]; defaults to the shipped model and one sentence.
var modelPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "stance.zip");
var text = args.Length > 1 ? args[1] : "Backdoors weaken security for everyone.";

using var classifier = StanceClassifier.Load(modelPath);
var prediction = classifier.Predict(text);
Console.WriteLine($"{prediction.Label} {prediction.Confidence:0.000}");
