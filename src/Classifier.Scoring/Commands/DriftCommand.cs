using System.CommandLine;
using System.Globalization;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Scoring;
using Classifier.Core.Trust;

namespace Classifier.Scoring.Commands;

/// <summary>
/// <c>classifier-score drift</c>: is a corpus like the data the model learned from? Unknown words and
/// n-grams, top-label confidence against the out-of-fold confidence, predicted-label mix, nearest training
/// texts for embeddings models, a verdict, and the worst-covered rows.
/// </summary>
internal sealed class DriftCommand : Command
{
    /// <summary>The subcommand, printing its report to <paramref name="context"/>'s standard output and errors to its standard error.</summary>
    public DriftCommand(CommandContext context)
        : base("drift", "Compare a corpus with the model's training data: unknown words and n-grams, top-label confidence vs out-of-fold confidence, predicted-label mix, nearest training texts (embeddings models); verdict close, shifted or far.")
    {
        var (stdout, stderr) = (context.Stdout, context.Stderr);
        var defaults = new ScoringJobOptions();
        var model = new Option<string>("--model") { Description = "The model zip (its card beside it holds the training side).", DefaultValueFactory = _ => defaults.ModelPath };
        var input = new Option<string>("--input") { Description = "The corpus CSV to compare with the training data.", Required = true };
        var output = new Option<string?>("--output") { Description = "Write the worst-covered rows (most unknown words first) to this CSV: good candidates for --suggest and labeling." };
        var worst = new Option<int>("--worst") { Description = "Rows written to --output.", DefaultValueFactory = _ => 200 };
        var textColumn = new Option<string>("--text-column") { Description = "Name of the corpus's text column.", DefaultValueFactory = _ => defaults.Scoring.TextColumn };
        var training = new Option<string?>("--training") { Description = "The training CSV, when the card's path is missing or its hash no longer matches (used for the expected unknown-word share and label mix)." };
        var trainingText = new Option<string>("--training-text-column") { Description = "Text column of --training.", DefaultValueFactory = _ => "text" };
        var trainingLabel = new Option<string>("--training-label-column") { Description = "Label column of --training.", DefaultValueFactory = _ => "label" };
        var maxRows = new Option<int>("--max-rows") { Description = "Rows measured at most: a seeded uniform sample of larger corpora.", DefaultValueFactory = _ => new DriftOptions().MaxRows };
        var seed = new Option<int>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => new DriftOptions().Seed };
        var force = new Option<bool>("--force") { Description = "Replace an existing --output (never the input)." };

        foreach (var option in new Option[] { model, input, output, worst, textColumn, training, trainingText, trainingLabel, maxRows, seed, force }) Options.Add(option);
        SetAction(parse => CommandShell.Guard(stderr, () =>
        {
            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output);
            var worstCount = OptionRules.Positive(parse.GetValue(worst), "--worst");
            if (outputPath is not null)
            {
                if (File.Exists(inputPath) && Path.GetFullPath(outputPath) == Path.GetFullPath(inputPath))
                    throw ClassifierException.Arguments($"{outputPath}: is the input; write the rows elsewhere.");
                if (File.Exists(outputPath) && !parse.GetValue(force)) throw ClassifierException.Arguments($"{outputPath}: already exists; pass --force to replace it.");
                AtomicFile.EnsureWritableFolder(outputPath, "worst-covered rows CSV");
            }
            var options = new DriftOptions
            {
                TextColumn = parse.GetValue(textColumn)!,
                TrainingPath = parse.GetValue(training),
                TrainingTextColumn = parse.GetValue(trainingText)!,
                TrainingLabelColumn = parse.GetValue(trainingLabel)!,
                MaxRows = OptionRules.Positive(parse.GetValue(maxRows), "--max-rows"),
                Seed = parse.GetValue(seed),
            };
            var loaded = ModelStore.Load(parse.GetValue(model)!);
            var report = DriftCheck.Run(loaded, inputPath, options);
            Print(report, inputPath, loaded, stdout);
            if (outputPath is not null)
            {
                DriftCheck.WriteWorst(report, outputPath, worstCount);
                stdout.WriteLine($"Wrote the {Math.Min(worstCount, report.Rows):N0} worst-covered rows to {outputPath}.");
            }
            return ExitCodes.Success;
        }));
    }

    private static string P(double v) => v.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    private static void Print(DriftReport report, string inputPath, LoadedModel model, TextWriter log)
    {
        log.WriteLine($"Drift of {inputPath} from the training data of {model.Path}: {report.Rows:N0} rows measured{(report.Rows < report.CorpusRows ? $" (a seeded sample of {report.CorpusRows:N0})" : "")}.");
        log.WriteLine();
        var coverage = new ConsoleTables.ConsoleTable("unknown to the model's dictionaries", "corpus", "training");
        coverage.Configure(o => o.EnableCount = false);
        var expected = report.Signals.FirstOrDefault(s => s.Name == "unknown words")?.Reference;
        coverage.AddRow("words", P(report.UnknownWordShare), expected is { } e ? $"{P(e)} expected (Good–Turing)" : "-");
        foreach (var (name, share) in report.UnknownNgramShares)
            coverage.AddRow(name, P(share), report.TrainingNgramShares is { } t ? $"{P(t[name])} (in-sample)" : "-");
        log.Write(coverage.ToString());

        var mix = new ConsoleTables.ConsoleTable("label", "predicted share", "training share");
        mix.Configure(o => o.EnableCount = false);
        foreach (var (label, share) in report.LabelShares)
            mix.AddRow(label, P(share), report.Baseline?.LabelShares.TryGetValue(label, out var s) == true ? P(s) : "-");
        log.Write(mix.ToString());
        log.WriteLine("(A different label mix is not drift by itself: a corpus may simply hold more of one side.)");

        log.WriteLine($"Top-label confidence: mean {F(report.MeanConfidence)}{(report.Baseline is { ConfidenceBins.Count: > 0 } b ? $", out-of-fold mean {F(b.MeanConfidence)}" : "")}; share below 0.6: {P(report.ConfidenceBins.Take(12).Sum() / (double)Math.Max(1, report.Rows))}.");
        if (report.MeanNearestDistance is { } d) log.WriteLine($"Mean cosine distance to the nearest sampled training text: {F(d)}.");
        log.WriteLine();
        var signals = new ConsoleTables.ConsoleTable("signal", "corpus", "training", "level");
        signals.Configure(o => o.EnableCount = false);
        foreach (var s in report.Signals)
            signals.AddRow(s.Name, F(s.Value), s.Reference is { } r ? F(r) : "-", s.Level.ToString().ToLowerInvariant());
        log.Write(signals.ToString());
        foreach (var s in report.Signals) log.WriteLine($"rule, {s.Name}: {s.Rule}.");
        foreach (var note in report.Notes) log.WriteLine($"note: {note}");
        log.WriteLine($"verdict: {report.Verdict.ToString().ToLowerInvariant()}");
    }
}
