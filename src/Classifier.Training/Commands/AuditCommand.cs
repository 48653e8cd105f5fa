using System.CommandLine;
using System.Globalization;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Core.Features;
using Classifier.Core.IO;
using Classifier.Core.Training;
using Classifier.Core.Trust;

namespace Classifier.Training.Commands;

/// <summary>
/// <c>classifier-train audit</c>: lists the rows of a labeled CSV whose label is probably wrong
/// (cross-validated out-of-fold probabilities, then confident learning), for a person to review.
/// </summary>
internal sealed class AuditCommand : Command
{
    private const string DescriptionText = "List the rows of a labeled CSV whose label is probably wrong (cross-validated out-of-fold probabilities, confident learning with per-class thresholds), most likely wrong first, with the per-class estimated noise.";

    /// <summary>The subcommand, writing its progress and tables to <paramref name="context"/>'s standard output and errors to its standard error.</summary>
    public AuditCommand(CommandContext context)
        : base("audit", DescriptionText)
    {
        var (stdout, stderr) = (context.Stdout, context.Stderr);
        var defaults = new TrainingJobOptions();
        var data = new Option<string>("--data") { Description = "Labeled CSV to audit.", DefaultValueFactory = _ => defaults.DataPath };
        var output = new Option<string>("--output") { Description = "Where to write the listing (the input's columns, then row, rank, suggested_label, p_given, p_suggested).", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing listing (never the input)." };
        var textColumn = new Option<string>("--text-column") { Description = "Name of the text column.", DefaultValueFactory = _ => defaults.TextColumn };
        var labelColumn = new Option<string>("--label-column") { Description = "Name of the label column.", DefaultValueFactory = _ => defaults.LabelColumn };
        var folds = new Option<int>("--folds") { Description = "Stratified cross-validation folds (each row is scored by the fold model that did not train on it).", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed and data give the same listing.", DefaultValueFactory = _ => TrainingOptions.DefaultSeed };
        var trainer = OptionRules.Choice("--trainer", "sdca | lbfgs | fasttree.", defaults.Trainer!.Value);
        var features = OptionRules.Choice("--features", "ngrams | embeddings | both.", FeatureOptions.Default.Set);
        var wordNgrams = new Option<int>("--word-ngrams") { Description = "Longest word n-gram.", DefaultValueFactory = _ => FeatureOptions.Default.WordNgramLength };
        var charNgrams = new Option<string>("--char-ngrams") { Description = "Character n-gram lengths, comma separated ('' for none).", DefaultValueFactory = _ => string.Join(",", FeatureOptions.Default.CharNgramLengths) };
        var maxNgrams = new Option<int>("--max-ngrams") { Description = "Cap on n-grams kept per block.", DefaultValueFactory = _ => FeatureOptions.Default.MaxWordNgrams };
        var l2 = new Option<float?>("--l2") { Description = "L2 regularization of sdca and lbfgs (default: the trainer's own)." };

        foreach (var option in new Option[] { data, output, force, textColumn, labelColumn, folds, seed, trainer, features, wordNgrams, charNgrams, maxNgrams, l2 }) Options.Add(option);
        SetAction(parse => CommandShell.Guard(stderr, () =>
        {
            var featureSet = features.ValueIn(parse);
            var kind = trainer.ValueIn(parse);
            var options = new TrainingOptions
            {
                Trainer = kind,
                Folds = parse.GetValue(folds),
                Seed = parse.GetValue(seed),
                L2 = TrainingArguments.NonNegative(parse.GetValue(l2)),
                Features = FeatureOptions.Default with
                {
                    Set = featureSet,
                    WordNgramLength = OptionRules.Positive(parse.GetValue(wordNgrams), "--word-ngrams"),
                    CharNgramLengths = TrainingArguments.ParseLengths(parse.GetValue(charNgrams) ?? ""),
                    MaxWordNgrams = OptionRules.Positive(parse.GetValue(maxNgrams), "--max-ngrams"),
                    MaxCharNgrams = OptionRules.Positive(parse.GetValue(maxNgrams), "--max-ngrams"),
                },
            };
            if (options.Folds < 2) throw ClassifierException.Arguments($"--folds must be at least 2 (got {options.Folds}).");
            var dataPath = parse.GetValue(data)!;
            var outputPath = parse.GetValue(output)!;
            CheckOutput(dataPath, outputPath, parse.GetValue(force));
            Run(dataPath, outputPath, parse.GetValue(textColumn)!, parse.GetValue(labelColumn)!, options, stdout);
            return ExitCodes.Success;
        }));
    }

    /// <summary>Fails before minutes of cross-validation: the listing never replaces the input, nor an existing file without --force.</summary>
    private static void CheckOutput(string dataPath, string outputPath, bool force)
    {
        if (File.Exists(dataPath) && Path.GetFullPath(outputPath) == Path.GetFullPath(dataPath))
            throw ClassifierException.Arguments($"{outputPath}: is the input; write the listing elsewhere.");
        if (File.Exists(outputPath) && !force)
            throw ClassifierException.Arguments($"{outputPath}: already exists; pass --force to replace it.");
        AtomicFile.EnsureWritableFolder(outputPath, "audit listing");
    }

    private static void Run(string dataPath, string outputPath, string textColumn, string labelColumn, TrainingOptions options, TextWriter log)
    {
        var inv = CultureInfo.InvariantCulture;
        log.WriteLine($"Cross-validating {options.Trainer.Name()} on {options.Features.Set.Name()} over {options.Folds} stratified folds (seed {options.Seed}) for out-of-fold probabilities...");
        AuditResult audit;
        try
        {
            audit = LabelAudit.Run(dataPath, textColumn, labelColumn, options,
                (fold, report) => log.WriteLine($"  fold {fold + 1}/{options.Folds}: macro-F1 {report.MacroF1.ToString("0.000", inv)}"));
        }
        finally
        {
            SentenceEmbeddings.Current?.ClearCache();
        }
        LabelAudit.Write(audit, outputPath);

        var result = audit.Result;
        var rows = audit.DataRows.Count;
        log.WriteLine();
        log.WriteLine($"Read {dataPath}: {rows:N0} rows{(audit.Skipped > 0 ? $" ({audit.Skipped:N0} with an empty text or label left out)" : "")}.");
        log.WriteLine("Estimated label noise per given label (confident learning, calibrated confident joint):");
        var table = new ConsoleTables.ConsoleTable("given label", "rows", "threshold", "est. wrong", "est. wrong rows", "mostly really", "listed");
        table.Configure(o => o.EnableCount = false);
        for (var i = 0; i < result.Noise.Count; i++)
        {
            var n = result.Noise[i];
            table.AddRow(n.Label, n.Rows.ToString("N0", inv), n.Threshold.ToString("0.000", inv), n.WrongShare.ToString("0.0%", inv),
                n.WrongRows.ToString("N0", inv), n.MostLikelyTrue ?? "-", result.Issues.Count(x => x.Given == i).ToString("N0", inv));
        }
        log.Write(table.ToString());
        log.WriteLine($"Estimated wrong labels overall: {result.OverallWrongShare.ToString("0.0%", inv)}.");
        log.WriteLine($"Listed {result.Issues.Count:N0} of {rows:N0} rows ({((double)result.Issues.Count / rows).ToString("0.0%", inv)}) in {outputPath}, most likely wrong first: review them against the labeling guide, fix the label column where it is truly wrong, then retrain.");
    }
}
