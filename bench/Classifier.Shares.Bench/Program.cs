using System.Diagnostics;
using System.Globalization;
using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Quantification;
using Classifier.Core.Scoring;

// Shifted-mix benchmark of the share estimates: for each label mix, SAMPLES samples of SIZE rows of a
// labeled file (rows of each label drawn with replacement), each estimated as its own corpus; prints
// the README table (true share, mean cc_share, mean share, their MAE, coverage of the interval).
//
//   classifier-shares-bench [--model models/stance.zip] [--data data/stance-test.csv] [--samples 200]
//                           [--size 300] [--method pacc|acc|both] [--replicates 1000] [--seed 20191004]
//                           [--calibration card|half] [--draw exact|iid]
// --calibration card: the error rates in the model card (cross-validation out-of-fold rows of the training
// data), samples from all of --data. half: the error rates measured on one half of --data (per label),
// samples from the other half: what the estimate does when its error rates come from text like the corpus.
// --draw exact: every sample holds the mix exactly; iid: each row's label is drawn from the mix (the sample is
// a random draw from a population with that share, which is what the interval is for).
var inv = CultureInfo.InvariantCulture;
var settings = new Dictionary<string, string>
{
    ["--model"] = "models/stance.zip", ["--data"] = "data/stance-test.csv", ["--samples"] = "200", ["--size"] = "300",
    ["--method"] = "both", ["--calibration"] = "card", ["--draw"] = "exact", ["--replicates"] = ShareOptions.DefaultReplicates.ToString(inv), ["--seed"] = "20191004",
};
if (args.Length > 0 && args[0] is "example" or "example-table")
{
    try
    {
        return args[0] == "example" ? Example.Write(args.Skip(1).ToArray()) : Example.Table(args.Skip(1).ToArray());
    }
    catch (ClassifierException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return ExitCodes.For(e.Kind);
    }
}
for (var i = 0; i < args.Length; i++)
{
    if (!settings.ContainsKey(args[i]) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"error: unknown option or missing value: {args[i]} (options: {string.Join(", ", settings.Keys)})");
        return 2;
    }
    settings[args[i]] = args[++i];
}

try
{
    var clock = Stopwatch.StartNew();
    var modelPath = settings["--model"];
    var model = ModelStore.Load(modelPath);
    var stats = ShareEstimator.RequireStats(ModelCard.TryRead(modelPath), modelPath);
    var data = LabeledCsv.Read(settings["--data"]);
    var pool = ShiftedMixes.Pool(new BatchScorer(model), data.Rows, data.Path);
    if (settings["--calibration"] == "half")
    {
        var (calibration, rest) = ShiftedMixes.Halves(pool, int.Parse(settings["--seed"], inv));
        stats = ShiftedMixes.StatsOf(model.Labels, calibration, $"the model's predictions on half of {data.Path}");
        pool = rest;
    }
    var samples = int.Parse(settings["--samples"], inv);
    var size = int.Parse(settings["--size"], inv);
    var seed = int.Parse(settings["--seed"], inv);
    var methods = settings["--method"] switch
    {
        "acc" => new[] { ShareMethod.Acc },
        "pacc" => [ShareMethod.Pacc],
        _ => [ShareMethod.Pacc, ShareMethod.Acc],
    };
    var labels = model.Labels;
    // The issue's mixes, in the model's label order; a uniform one when the model does not have three labels.
    double[][] mixes = labels.Count == 3
        ? [[0.70, 0.15, 0.15], [0.15, 0.70, 0.15], [0.15, 0.15, 0.70], [0.33, 0.33, 0.34]]
        : [[.. labels.Select(_ => 1.0 / labels.Count)]];

    Console.WriteLine($"model {modelPath} ({stats.Source}, {stats.RowsPerLabel.Sum():N0} rows); samples drawn from {data.Path} ({pool.Count:N0} rows); " +
        $"{samples} samples of {size} rows per mix ({(settings["--draw"] == "iid" ? "labels drawn from the mix" : "exact mix")}); {int.Parse(settings["--replicates"], inv):N0} bootstrap replicates; 95% intervals; seed {seed}.");
    Console.WriteLine($"mix order: {string.Join(" / ", labels)}");
    Console.WriteLine();
    foreach (var method in methods)
    {
        var options = new ShareOptions { Method = method, Replicates = int.Parse(settings["--replicates"], inv) };
        Console.WriteLine($"method {options.MethodName}:");
        Console.WriteLine();
        Console.WriteLine("| mix | label | true share | mean cc_share | mean share | MAE cc_share | MAE share | coverage | mean interval width | share vs cc (MAE difference ± 2 se) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        var coverage = new List<double>();
        foreach (var mix in mixes)
        {
            var outcome = ShiftedMixes.Run(stats, labels, pool, mix, samples, size, options, seed, exactMix: settings["--draw"] != "iid");
            var name = string.Join("/", mix.Select(m => (m * 100).ToString("0", inv)));
            for (var l = 0; l < labels.Count; l++)
            {
                Console.WriteLine($"| {name} | {labels[l]} | {P(outcome.Mix[l])} | {P(outcome.MeanCcShare[l])} | {P(outcome.MeanShare[l])} | " +
                    $"{F(outcome.CcMae[l])} | {F(outcome.ShareMae[l])} | {P(outcome.Coverage[l])} | {F(outcome.MeanWidth[l])} | |");
            }
            var verdict = !outcome.DiffersBeyondNoise ? "within noise" : outcome.MaeDifference < 0 ? "share better" : "cc better";
            Console.WriteLine($"| {name} | **all** | | | | **{F(outcome.CcMaeAll)}** | **{F(outcome.ShareMaeAll)}** | **{P(outcome.CoverageAll)}** | | {verdict} (diff {outcome.MaeDifference.ToString("+0.000;-0.000;0.000", inv)} ± {F(2 * outcome.MaeDifferenceSe)}) |");
            coverage.Add(outcome.CoverageAll);
        }
        Console.WriteLine();
        Console.WriteLine($"{options.MethodName}: coverage over all mixes and labels {P(coverage.Average())}.");
        Console.WriteLine();
    }
    Console.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s in all.");
    return 0;

    string P(double v) => (v * 100).ToString("0.0", inv) + "%";
    string F(double v) => v.ToString("0.000", inv);
}
catch (ClassifierException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.For(e.Kind);
}
