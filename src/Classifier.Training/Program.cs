using System.CommandLine;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Core.Features;
using Classifier.Core.Training;
using Classifier.Reports;

namespace Classifier.Training;

/// <summary>The training command: a thin shell that turns arguments into a <see cref="TrainingJob"/>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // A fit cannot be cancelled midway: on SIGTERM (143) or Ctrl-C (130) the temporary files are removed
        // at once (never in the middle of the model and card commit) and the process exits.
        using var termination = Termination.Install(TimeSpan.Zero, Console.Error);
        return termination.Exit(Run(args, Console.Out, Console.Error));
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var defaults = new TrainingJobOptions();
        var data = new Option<string>("--data") { Description = "Labeled training CSV.", DefaultValueFactory = _ => defaults.DataPath };
        var test = new Option<string>("--test") { Description = "Held-out labeled CSV for the reported figures; 'none' to skip.", DefaultValueFactory = _ => defaults.TestPath! };
        var ood = new Option<string>("--ood") { Description = "Out-of-domain labeled CSV the final model is also evaluated on (skipped when the default is absent); 'none' to skip.", DefaultValueFactory = _ => defaults.OodPath! };
        var dev = new Option<string>("--dev") { Description = "Development labeled CSV (for choosing settings) the final model is evaluated on, with figures per --group-column value (skipped when the default is absent); 'none' to skip.", DefaultValueFactory = _ => defaults.DevPath! };
        var groupColumn = new Option<string>("--group-column") { Description = "Column of the dev file to report figures per value of (when it has one).", DefaultValueFactory = _ => defaults.GroupColumn };
        var misclassified = new Option<string?>("--misclassified") { Description = "Write the misclassified test and out-of-domain rows, with their probabilities, to this CSV." };
        var features = new Option<string>("--features") { Description = "ngrams | embeddings (all-MiniLM-L6-v2 sentence embeddings) | both.", DefaultValueFactory = _ => FeatureOptions.Default.Set.Name() };
        features.AcceptOnlyFromAmong([.. FeatureSets.All.Select(f => f.Name())]);
        var calibrate = new Option<string>("--calibrate") { Description = "none | temperature (bake the temperature fitted on out-of-fold predictions into Score; such a zip cannot be exported to ONNX).", DefaultValueFactory = _ => "none" };
        calibrate.AcceptOnlyFromAmong("none", "temperature");
        var model = new Option<string>("--model") { Description = "Where to write the model zip (its card goes beside it).", DefaultValueFactory = _ => defaults.ModelPath };
        var textColumn = new Option<string>("--text-column") { Description = "Name of the text column.", DefaultValueFactory = _ => defaults.TextColumn };
        var labelColumn = new Option<string>("--label-column") { Description = "Name of the label column (any label set of two or more).", DefaultValueFactory = _ => defaults.LabelColumn };
        var trainer = new Option<string>("--trainer") { Description = "sdca | lbfgs | fasttree | auto (auto ranks all by cross-validated macro-F1).", DefaultValueFactory = _ => defaults.Trainer!.Value.Name() };
        trainer.AcceptOnlyFromAmong([.. TrainerKinds.All.Select(k => k.Name()), "auto"]);
        var folds = new Option<int>("--folds") { Description = "Stratified cross-validation folds.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed and data give the same model.", DefaultValueFactory = _ => TrainingOptions.DefaultSeed };
        var wordNgrams = new Option<int>("--word-ngrams") { Description = "Longest word n-gram.", DefaultValueFactory = _ => FeatureOptions.Default.WordNgramLength };
        var charNgrams = new Option<string>("--char-ngrams") { Description = "Character n-gram lengths, comma separated ('' for none).", DefaultValueFactory = _ => string.Join(",", FeatureOptions.Default.CharNgramLengths) };
        var onnx = new Option<string?>("--onnx") { Description = "Also write the model as ONNX to this path (for ONNX Runtime and Spark)." };
        var report = new Option<string?>("--report") { Description = "Folder for a picture report (confusion heatmaps, per-class bars, index.html); created if missing." };
        var l2 = new Option<float?>("--l2") { Description = "L2 regularization of sdca and lbfgs (default: the trainer's own, see the card's trainerSettings)." };
        var strictLabels = new Option<bool>("--strict-labels") { Description = "Labels that differ only in case or surrounding spaces are an error (by default they are merged, with a warning)." };
        var precision = new Option<string>("--embeddings-precision") { Description = "fp32 | int8: the sentence encoder's MatMul weights (embeddings and both; recorded in the card).", DefaultValueFactory = _ => FeatureOptions.Default.EmbeddingsPrecision.Name() };
        precision.AcceptOnlyFromAmong([.. Enum.GetValues<EmbeddingsPrecision>().Select(p => p.Name())]);
        var maxNgrams = new Option<int>("--max-ngrams") { Description = "Cap on n-grams kept per block (keeps the zip small).", DefaultValueFactory = _ => FeatureOptions.Default.MaxWordNgrams };

        var root = new RootCommand("Train the stance classifier on a labeled CSV, report cross-validated and held-out figures, and save the model zip with its card.")
        {
            data, test, ood, dev, groupColumn, model, textColumn, labelColumn, trainer, features, folds, seed, wordNgrams, charNgrams, maxNgrams, l2, calibrate, misclassified, report, onnx, strictLabels, precision,
        };

        root.Subcommands.Add(AuditCommand.Create(stdout, stderr));
        root.Subcommands.Add(AgreementCommand.Create(stdout, stderr));

        root.SetAction(parse => CommandShell.Guard(stderr, () =>
        {
            FeatureSets.TryParse(parse.GetValue(features)!, out var featureSet);
            EmbeddingsPrecisions.TryParse(parse.GetValue(precision)!, out var embeddingsPrecision);
            if (embeddingsPrecision != FeatureOptions.Default.EmbeddingsPrecision && !featureSet.UsesEmbeddings())
                throw ClassifierException.Arguments($"--embeddings-precision {embeddingsPrecision.Name()} needs --features embeddings or both.");
            var featureOptions = FeatureOptions.Default with
            {
                Set = featureSet,
                WordNgramLength = Positive(parse.GetValue(wordNgrams), "--word-ngrams"),
                CharNgramLengths = ParseLengths(parse.GetValue(charNgrams) ?? ""),
                MaxWordNgrams = Positive(parse.GetValue(maxNgrams), "--max-ngrams"),
                MaxCharNgrams = Positive(parse.GetValue(maxNgrams), "--max-ngrams"),
                EmbeddingsPrecision = embeddingsPrecision,
            };
            var testPath = parse.GetValue(test);
            var trainerName = parse.GetValue(trainer)!;
            var job = new TrainingJobOptions
            {
                DataPath = parse.GetValue(data)!,
                TestPath = string.Equals(testPath, "none", StringComparison.OrdinalIgnoreCase) ? null : testPath,
                OodPath = OptionalFile(parse.GetValue(ood)!, explicitlyGiven: parse.GetResult(ood) is { Implicit: false }, "out-of-domain", "--ood", stdout),
                DevPath = OptionalFile(parse.GetValue(dev)!, explicitlyGiven: parse.GetResult(dev) is { Implicit: false }, "development", "--dev", stdout),
                GroupColumn = parse.GetValue(groupColumn)!,
                MisclassifiedPath = parse.GetValue(misclassified),
                Calibrate = parse.GetValue(calibrate) == "temperature",
                ModelPath = parse.GetValue(model)!,
                OnnxPath = parse.GetValue(onnx),
                TextColumn = parse.GetValue(textColumn)!,
                LabelColumn = parse.GetValue(labelColumn)!,
                Trainer = trainerName == "auto" ? null : TrainerKinds.TryParse(trainerName, out var kind) ? kind : null,
                StrictLabels = parse.GetValue(strictLabels),
                Training = new TrainingOptions { Features = featureOptions, Folds = parse.GetValue(folds), Seed = parse.GetValue(seed), L2 = NonNegative(parse.GetValue(l2)) },
            };
            if (job.Training.Folds < 2) throw ClassifierException.Arguments($"--folds must be at least 2 (got {job.Training.Folds}).");
            var reportFolder = parse.GetValue(report);
            // Checked before training, so a bad folder fails in seconds, not after minutes.
            if (reportFolder is not null) _ = new ReportFolder(reportFolder);
            var result = TrainingJob.Run(job, stdout);
            if (reportFolder is not null)
            {
                // No report file may replace one of the run's inputs or the model it just saved.
                using var inputs = Classifier.Core.IO.SafePaths.ProtectInputs([job.DataPath, job.TestPath, job.OodPath, job.ModelPath, Classifier.Core.Model.ModelCard.PathFor(job.ModelPath)]);
                TrainingReport.Write(reportFolder, result.Card, job.ModelPath);
                stdout.WriteLine($"Wrote the training report to {Path.Combine(reportFolder, "index.html")}.");
            }
            return ExitCodes.Success;
        }));

        return CommandShell.Invoke(root, args, stdout, stderr);
    }

    /// <summary>The default out-of-domain and dev files are optional (other data sets have none); a path the user names is not.</summary>
    private static string? OptionalFile(string value, bool explicitlyGiven, string what, string option, TextWriter log)
    {
        if (string.Equals(value, "none", StringComparison.OrdinalIgnoreCase)) return null;
        if (explicitlyGiven || File.Exists(value)) return value;
        log.WriteLine($"No {what} file at {value}: skipping that evaluation (name one with {option}).");
        return null;
    }

    internal static float? NonNegative(float? value) =>
        value is null || (value >= 0 && float.IsFinite(value.Value)) ? value : throw ClassifierException.Arguments($"--l2 must be a finite number of 0 or more (got {value}).");

    internal static int Positive(int value, string option) =>
        value > 0 ? value : throw ClassifierException.Arguments($"{option} must be positive (got {value}).");

    internal static IReadOnlyList<int> ParseLengths(string text)
    {
        var lengths = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var n) || n < 1 || n > 8)
                throw ClassifierException.Arguments($"--char-ngrams: '{part}' is not a length between 1 and 8.");
            lengths.Add(n);
        }
        return lengths;
    }
}
