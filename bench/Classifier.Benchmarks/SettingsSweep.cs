using System.Diagnostics;
using System.Globalization;
using Classifier.Core.Data;
using Classifier.Core.Evaluation;
using Classifier.Core.Features;
using Classifier.Core.Training;

namespace Classifier.Benchmarks;

/// <summary>
/// Chooses training settings on the development file: fits each candidate on the training file and
/// prints its dev macro-F1, accuracy and worst register. Only the dev file is scored, so the test and
/// out-of-domain figures stay untouched by the choice. bench/sweep.sh drives it.
/// </summary>
public static class SettingsSweep
{
    /// <summary>
    /// A candidate: <c>trainer:features:variant:cap:l2</c>, e.g. <c>lbfgs:ngrams:w2c4:20000:0.1</c> or
    /// <c>lbfgs:both:w2c4:20000:0.1</c> (variant as in <see cref="FeatureVariants.Parse"/>).
    /// </summary>
    public static TrainingOptions Parse(string spec)
    {
        var p = spec.Split(':');
        if (p.Length != 5 || !TrainerKinds.TryParse(p[0], out var trainer) || !FeatureSets.TryParse(p[1], out var set))
            throw new ArgumentException($"candidate '{spec}': expected trainer:features:variant:cap:l2, e.g. lbfgs:ngrams:w2c4:20000:0.1");
        var cap = int.Parse(p[3], CultureInfo.InvariantCulture);
        var features = FeatureVariants.Parse(p[2]) with { Set = set, MaxWordNgrams = cap, MaxCharNgrams = cap };
        return new TrainingOptions { Trainer = trainer, Features = features, L2 = float.Parse(p[4], CultureInfo.InvariantCulture) };
    }

    public static void Run(string data, string dev, IReadOnlyList<string> candidates)
    {
        var train = LabeledCsv.Read(data).Rows;
        var devData = LabeledCsv.Read(dev, groupColumn: "register");
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"train {data} ({train.Count:N0} rows), dev {dev} ({devData.Rows.Count:N0} rows); load {File.ReadAllText("/proc/loadavg").Trim()}");
        if (candidates.Any(c => Parse(c).Features.Set.UsesEmbeddings()))
        {
            var clock = Stopwatch.StartNew();
            SentenceEmbeddings.Required("the sweep").Prime(train.Select(r => r.Text).Concat(devData.Rows.Select(r => r.Text)));
            Console.WriteLine($"encoded the texts in {clock.Elapsed.TotalSeconds:0} s");
        }
        Console.WriteLine($"{"candidate",-36} {"dev F1",7} {"dev acc",7} {"fit s",6}  worst register");
        var results = new List<(string Spec, double F1, IReadOnlyList<GroupMetrics> Groups)>();
        foreach (var spec in candidates)
        {
            var options = Parse(spec);
            var clock = Stopwatch.StartNew();
            var model = ModelTrainer.Fit(train, options);
            var fit = clock.Elapsed.TotalSeconds;
            var (report, probabilities) = ModelTrainer.Score(model.Transformer, devData.Rows, model.Labels, dev);
            var index = model.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
            var groups = GroupMetrics.Compute(model.Labels, devData.Rows.Select(r => index[r.Label]).ToList(), probabilities, devData.Groups!);
            var worst = groups.MinBy(g => g.MacroF1)!;
            Console.WriteLine($"{spec,-36} {report.MacroF1.ToString("0.000", inv),7} {report.Accuracy.ToString("0.000", inv),7} {fit,6:0}  {worst.Group} {worst.MacroF1.ToString("0.000", inv)}");
            results.Add((spec, report.MacroF1, groups));
        }
        var best = results.MaxBy(r => r.F1);
        Console.WriteLine($"best on dev: {best.Spec} ({best.F1.ToString("0.000", inv)}); by register:");
        foreach (var g in best.Groups) Console.WriteLine($"  {g.Group,-12} {g.Rows,5} {g.MacroF1.ToString("0.000", inv)}");
    }
}
