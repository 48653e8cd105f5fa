using System.CommandLine;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Core.Features;
using Classifier.Core.Training;
using Classifier.Reports;

namespace Classifier.Training.Commands;

/// <summary>
/// The root command of <c>classifier-train</c>: turns its options into a <see cref="TrainingJob"/>; holds
/// the audit and agreement subcommands.
/// </summary>
internal sealed class TrainCommand : RootCommand
{
    /// <summary>The values of --calibrate.</summary>
    internal enum Calibration
    {
        /// <summary>Scores as trained.</summary>
        None,

        /// <summary>Temperature scaling baked into Score.</summary>
        Temperature,
    }

    private static readonly TrainingJobOptions Defaults = new();

    private readonly Option<string> _data = new("--data") { Description = "Labeled training CSV.", DefaultValueFactory = _ => Defaults.DataPath };
    private readonly Option<string> _test = new("--test") { Description = "Held-out labeled CSV for the reported figures; 'none' to skip.", DefaultValueFactory = _ => Defaults.TestPath! };
    private readonly Option<string> _ood = new("--ood") { Description = "Out-of-domain labeled CSV the final model is also evaluated on (skipped when the default is absent); 'none' to skip.", DefaultValueFactory = _ => Defaults.OodPath! };
    private readonly Option<string> _dev = new("--dev") { Description = "Development labeled CSV (for choosing settings) the final model is evaluated on, with figures per --group-column value (skipped when the default is absent); 'none' to skip.", DefaultValueFactory = _ => Defaults.DevPath! };
    private readonly Option<string> _groupColumn = new("--group-column") { Description = "Column of the dev file to report figures per value of (when it has one).", DefaultValueFactory = _ => Defaults.GroupColumn };
    private readonly Option<string?> _misclassified = new("--misclassified") { Description = "Write the misclassified test and out-of-domain rows, with their probabilities, to this CSV." };
    private readonly ChoiceOption<FeatureSet> _features = OptionRules.Choice("--features", "ngrams | embeddings (all-MiniLM-L6-v2 sentence embeddings) | both.", FeatureOptions.Default.Set);
    private readonly ChoiceOption<Calibration> _calibrate = OptionRules.Choice("--calibrate", "none | temperature (bake the temperature fitted on out-of-fold predictions into Score; such a zip cannot be exported to ONNX).", Calibration.None);
    private readonly Option<string> _model = new("--model") { Description = "Where to write the model zip (its card goes beside it).", DefaultValueFactory = _ => Defaults.ModelPath };
    private readonly Option<string> _textColumn = new("--text-column") { Description = "Name of the text column.", DefaultValueFactory = _ => Defaults.TextColumn };
    private readonly Option<string> _labelColumn = new("--label-column") { Description = "Name of the label column (any label set of two or more).", DefaultValueFactory = _ => Defaults.LabelColumn };
    private readonly ChoiceOption<TrainerKind> _trainer = OptionRules.Choice("--trainer", "sdca | lbfgs | fasttree | auto (auto ranks all by cross-validated macro-F1).", Defaults.Trainer!.Value, automatic: "auto");
    private readonly Option<int> _folds = new("--folds") { Description = "Stratified cross-validation folds.", DefaultValueFactory = _ => 5 };
    private readonly Option<int> _seed = new("--seed") { Description = "Random seed: the same seed and data give the same model.", DefaultValueFactory = _ => TrainingOptions.DefaultSeed };
    private readonly Option<int> _wordNgrams = new("--word-ngrams") { Description = "Longest word n-gram.", DefaultValueFactory = _ => FeatureOptions.Default.WordNgramLength };
    private readonly Option<string> _charNgrams = new("--char-ngrams") { Description = "Character n-gram lengths, comma separated ('' for none).", DefaultValueFactory = _ => string.Join(",", FeatureOptions.Default.CharNgramLengths) };
    private readonly Option<string?> _onnx = new("--onnx") { Description = "Also write the model as ONNX to this path (for ONNX Runtime and Spark)." };
    private readonly Option<string?> _report = new("--report") { Description = "Folder for a picture report (confusion heatmaps, per-class bars, index.html); created if missing." };
    private readonly Option<float?> _l2 = new("--l2") { Description = "L2 regularization of sdca and lbfgs (default: the trainer's own, see the card's trainerSettings)." };
    private readonly Option<bool> _strictLabels = new("--strict-labels") { Description = "Labels that differ only in case or surrounding spaces are an error (by default they are merged, with a warning)." };
    private readonly ChoiceOption<EmbeddingsPrecision> _precision = OptionRules.Choice("--embeddings-precision", "fp32 | int8: the sentence encoder's MatMul weights (embeddings and both; recorded in the card). int8 scored within 0.004 of fp32 on the test, out-of-domain and dev files, lower on none, and runs faster (docs/embeddings-performance.md).", EmbeddingsPrecision.Int8);
    private readonly Option<int> _maxNgrams = new("--max-ngrams") { Description = "Cap on n-grams kept per block (keeps the zip small).", DefaultValueFactory = _ => FeatureOptions.Default.MaxWordNgrams };

    private readonly CommandContext _context;

    /// <summary>The root command and its subcommands, writing to <paramref name="context"/>.</summary>
    public TrainCommand(CommandContext context)
        : base("Train the stance classifier on a labeled CSV, report cross-validated and held-out figures, and save the model zip with its card.")
    {
        _context = context;
        foreach (var option in new Option[]
        {
            _data, _test, _ood, _dev, _groupColumn, _model, _textColumn, _labelColumn, _trainer, _features, _folds, _seed, _wordNgrams, _charNgrams, _maxNgrams, _l2, _calibrate, _misclassified, _report, _onnx, _strictLabels, _precision,
        })
        {
            Options.Add(option);
        }
        Subcommands.Add(new AuditCommand(context));
        Subcommands.Add(new AgreementCommand(context));
        SetAction(parse => CommandShell.Guard(context.Stderr, () => Train(parse)));
    }

    private int Train(ParseResult parse)
    {
        var stdout = _context.Stdout;
        var featureSet = _features.ValueIn(parse);
        // Given or not, the precision only means something with an encoder; n-gram cards keep the library's fp32.
        var givenPrecision = parse.GetValue(_precision);
        if (givenPrecision is { } given && !featureSet.UsesEmbeddings())
            throw ClassifierException.Arguments($"--embeddings-precision {given.Name()} needs --features embeddings or both.");
        var embeddingsPrecision = featureSet.UsesEmbeddings() ? givenPrecision ?? _precision.Default : FeatureOptions.Default.EmbeddingsPrecision;
        var featureOptions = FeatureOptions.Default with
        {
            Set = featureSet,
            WordNgramLength = OptionRules.Positive(parse.GetValue(_wordNgrams), "--word-ngrams"),
            CharNgramLengths = TrainingArguments.ParseLengths(parse.GetValue(_charNgrams) ?? ""),
            MaxWordNgrams = OptionRules.Positive(parse.GetValue(_maxNgrams), "--max-ngrams"),
            MaxCharNgrams = OptionRules.Positive(parse.GetValue(_maxNgrams), "--max-ngrams"),
            EmbeddingsPrecision = embeddingsPrecision,
        };
        var testPath = parse.GetValue(_test);
        var job = new TrainingJobOptions
        {
            DataPath = parse.GetValue(_data)!,
            TestPath = string.Equals(testPath, "none", StringComparison.OrdinalIgnoreCase) ? null : testPath,
            OodPath = OptionalFile(parse.GetValue(_ood)!, explicitlyGiven: parse.GetResult(_ood) is { Implicit: false }, "out-of-domain", "--ood", stdout),
            DevPath = OptionalFile(parse.GetValue(_dev)!, explicitlyGiven: parse.GetResult(_dev) is { Implicit: false }, "development", "--dev", stdout),
            GroupColumn = parse.GetValue(_groupColumn)!,
            MisclassifiedPath = parse.GetValue(_misclassified),
            Calibrate = _calibrate.ValueIn(parse) == Calibration.Temperature,
            ModelPath = parse.GetValue(_model)!,
            OnnxPath = parse.GetValue(_onnx),
            TextColumn = parse.GetValue(_textColumn)!,
            LabelColumn = parse.GetValue(_labelColumn)!,
            Trainer = _trainer.ValueOrAutomatic(parse),
            StrictLabels = parse.GetValue(_strictLabels),
            Training = new TrainingOptions { Features = featureOptions, Folds = parse.GetValue(_folds), Seed = parse.GetValue(_seed), L2 = TrainingArguments.NonNegative(parse.GetValue(_l2)) },
        };
        if (job.Training.Folds < 2) throw ClassifierException.Arguments($"--folds must be at least 2 (got {job.Training.Folds}).");
        var reportFolder = parse.GetValue(_report);
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
    }

    /// <summary>The default out-of-domain and dev files are optional (other data sets have none); a path the user names is not.</summary>
    private static string? OptionalFile(string value, bool explicitlyGiven, string what, string option, TextWriter log)
    {
        if (string.Equals(value, "none", StringComparison.OrdinalIgnoreCase)) return null;
        if (explicitlyGiven || File.Exists(value)) return value;
        log.WriteLine($"No {what} file at {value}: skipping that evaluation (name one with {option}).");
        return null;
    }
}
