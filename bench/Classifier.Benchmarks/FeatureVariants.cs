using Classifier.Core.Data;
using Classifier.Core.Features;
using Classifier.Core.Model;
using Classifier.Core.Training;

namespace Classifier.Benchmarks;

/// <summary>
/// The cost/accuracy table for feature sets: fits the shipped trainer on each variant, reports test and
/// OOD macro-F1 and saves the model, so bench/features.sh can time scoring with it. Trains nothing
/// that ships; the default features stay as they are.
/// </summary>
public static class FeatureVariants
{
    /// <summary>Variant names: w{longest word n-gram} then c{char n-gram length} per char block, e.g. w2c4, w2, w1c3.</summary>
    public static FeatureOptions Parse(string name)
    {
        var parts = name.Split('c');
        if (parts.Length == 0 || !parts[0].StartsWith('w') || !int.TryParse(parts[0][1..], out var words))
            throw new ArgumentException($"variant '{name}': expected w<N>[c<N>...], e.g. w2c4.");
        return FeatureOptions.Default with { WordNgramLength = words, CharNgramLengths = [.. parts.Skip(1).Select(int.Parse)] };
    }

    public static void Run(string data, string test, string ood, IReadOnlyList<string> variants, string outFolder)
    {
        var train = LabeledCsv.Read(data).Rows;
        var testRows = LabeledCsv.Read(test).Rows;
        var oodRows = LabeledCsv.Read(ood).Rows;
        Directory.CreateDirectory(outFolder);
        Console.WriteLine($"{"variant",-8} {"test F1",8} {"OOD F1",8} {"fit s",6}  model");
        foreach (var name in variants)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var model = ModelTrainer.Fit(train, new TrainingOptions { Features = Parse(name) });
            var fit = clock.Elapsed.TotalSeconds;
            var a = ModelTrainer.Evaluate(model.Transformer, testRows, model.Labels);
            var b = ModelTrainer.Evaluate(model.Transformer, oodRows, model.Labels);
            var path = Path.Combine(outFolder, $"v-{name}.zip");
            ModelStore.Save(model, path);
            Console.WriteLine($"{name,-8} {a.MacroF1,8:0.000} {b.MacroF1,8:0.000} {fit,6:0}  {path}");
        }
    }
}
