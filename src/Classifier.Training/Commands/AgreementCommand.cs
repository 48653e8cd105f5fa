using System.CommandLine;
using System.Globalization;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Training;
using Classifier.Core.Trust;

namespace Classifier.Training.Commands;

/// <summary>
/// <c>classifier-train agreement</c>: how well coders agree (Cohen's kappa per pair, Fleiss' kappa,
/// Krippendorff's alpha, per-label agreement, each with a bootstrap interval), optionally with the model
/// scored as one more coder.
/// </summary>
internal sealed class AgreementCommand : Command
{
    private const string DescriptionText = "Inter-annotator agreement: Cohen's kappa per pair, Fleiss' kappa, Krippendorff's alpha (nominal), per-label agreement, each with a seeded bootstrap 95% interval; --model adds the model as a coder.";

    /// <summary>The subcommand, printing its tables to <paramref name="context"/>'s standard output and errors to its standard error.</summary>
    public AgreementCommand(CommandContext context)
        : base("agreement", DescriptionText)
    {
        var (stdout, stderr) = (context.Stdout, context.Stderr);
        var input = new Option<string>("--input") { Description = "CSV of codes: wide (one row per item, one column per annotator; name them with --annotators) or long (item,annotator,label rows).", Required = true };
        var annotators = new Option<string?>("--annotators") { Description = "Wide format: the annotator columns, comma separated (two or more). Without it the input is read as long format." };
        var textColumn = new Option<string>("--text-column") { Description = "The text column (needed with --model; copied to --disagreements when present).", DefaultValueFactory = _ => "text" };
        var itemColumn = new Option<string>("--item-column") { Description = "Long format: the item id column.", DefaultValueFactory = _ => "item" };
        var annotatorColumn = new Option<string>("--annotator-column") { Description = "Long format: the annotator column.", DefaultValueFactory = _ => "annotator" };
        var labelColumn = new Option<string>("--label-column") { Description = "Long format: the label column.", DefaultValueFactory = _ => "label" };
        var model = new Option<string?>("--model") { Description = "A model zip scored as one more coder ('model'), so its agreement with each annotator sits beside theirs with each other." };
        var disagreements = new Option<string?>("--disagreements") { Description = "Write the items the coders disagree on (item, text, each coder's label, majority) to this CSV." };
        var json = new Option<string?>("--json") { Description = "Also write the figures as JSON to this path." };
        var force = new Option<bool>("--force") { Description = "Replace existing --disagreements and --json files (never the input)." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates for the 95% intervals (items resampled with replacement).", DefaultValueFactory = _ => AgreementReport.DefaultReplicates };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed: the same seed gives the same intervals.", DefaultValueFactory = _ => TrainingOptions.DefaultSeed };

        foreach (var option in new Option[] { input, annotators, textColumn, itemColumn, annotatorColumn, labelColumn, model, disagreements, json, force, bootstrap, seed }) Options.Add(option);
        SetAction(parse => CommandShell.Guard(stderr, () =>
        {
            var inputPath = parse.GetValue(input)!;
            var modelPath = parse.GetValue(model);
            var disagreementsPath = parse.GetValue(disagreements);
            var jsonPath = parse.GetValue(json);
            foreach (var (path, what) in new[] { (disagreementsPath, "disagreements CSV"), (jsonPath, "JSON figures") })
                if (path is not null) CheckOutput(inputPath, path, what, parse.GetValue(force));
            if (disagreementsPath is not null && jsonPath is not null && Path.GetFullPath(disagreementsPath) == Path.GetFullPath(jsonPath))
                throw ClassifierException.Arguments("--disagreements and --json name the same file.");

            var names = parse.GetValue(annotators);
            var text = parse.GetValue(textColumn)!;
            var table = names is null
                ? CodingTable.ReadLong(inputPath, parse.GetValue(itemColumn)!, parse.GetValue(annotatorColumn)!, parse.GetValue(labelColumn)!, text, needText: modelPath is not null)
                : CodingTable.ReadWide(inputPath, [.. names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)], text, needText: modelPath is not null);
            string? modelCoder = null;
            if (modelPath is not null)
            {
                var loaded = ModelStore.Load(modelPath);
                var scores = ModelTrainer.Predict(loaded.Transformer, table.Texts!);
                var predicted = scores.Select(s => loaded.Labels[Array.IndexOf(s, s.Max())]).ToArray();
                table = table.WithCoder("model", predicted);
                modelCoder = table.Coders[^1];
            }

            var result = AgreementReport.Compute(table, modelCoder, parse.GetValue(bootstrap), parse.GetValue(seed));
            Print(result, stdout);
            if (disagreementsPath is not null)
            {
                var count = AgreementReport.WriteDisagreements(result, disagreementsPath);
                stdout.WriteLine($"Wrote {count:N0} items the coders disagree on to {disagreementsPath}.");
            }
            if (jsonPath is not null)
            {
                AtomicFile.Write(jsonPath, stream =>
                {
                    using var writer = new StreamWriter(stream, leaveOpen: true);
                    writer.Write(AgreementReport.ToJson(result));
                    writer.Write('\n');
                });
                stdout.WriteLine($"Wrote the figures to {jsonPath}.");
            }
            return ExitCodes.Success;
        }));
    }

    private static void CheckOutput(string inputPath, string path, string what, bool force)
    {
        if (Path.GetFullPath(path) == Path.GetFullPath(inputPath)) throw ClassifierException.Arguments($"{path}: is the input; write the {what} elsewhere.");
        if (File.Exists(path) && !force) throw ClassifierException.Arguments($"{path}: already exists; pass --force to replace it.");
        AtomicFile.EnsureWritableFolder(path, what);
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string Ci(Interval i) => double.IsFinite(i.Low) ? $"{F(i.Low)} to {F(i.High)}" : "n/a";

    private static void Print(AgreementResult result, TextWriter log)
    {
        var t = result.Table;
        log.WriteLine($"Read {t.Path}: {t.ItemIds.Count:N0} items, {t.Coders.Count - (result.ModelCoder is null ? 0 : 1)} annotators ({string.Join(", ", result.Humans.Coders)}), labels {string.Join(", ", t.Labels)}.");
        log.WriteLine($"Intervals: 95% percentile bootstrap over items, {result.Replicates:N0} replicates, seed {result.Seed}.");
        log.WriteLine();
        log.WriteLine("Cohen's kappa per pair:");
        var pairs = new ConsoleTables.ConsoleTable("a", "b", "items", "kappa", "95% interval");
        pairs.Configure(o => o.EnableCount = false);
        foreach (var p in result.Pairs) pairs.AddRow(p.A, p.B, p.Items.ToString("N0", CultureInfo.InvariantCulture), F(p.Kappa.Value), Ci(p.Kappa));
        log.Write(pairs.ToString());

        var groups = new ConsoleTables.ConsoleTable("coders", "Fleiss' kappa", "95% interval", "Krippendorff's alpha", "95% interval");
        groups.Configure(o => o.EnableCount = false);
        foreach (var (name, g) in new[] { ("annotators", result.Humans), ("annotators + model", result.WithModel) })
        {
            if (g is null) continue;
            groups.AddRow(name, F(g.FleissKappa.Value), Ci(g.FleissKappa), F(g.KrippendorffAlpha.Value), Ci(g.KrippendorffAlpha));
        }
        log.Write(groups.ToString());

        log.WriteLine("Per-label agreement among the annotators (Fleiss' category kappa; specific agreement = of code pairs involving the label, the share where both chose it):");
        var labels = new ConsoleTables.ConsoleTable("label", "codes", "kappa", "specific agreement");
        labels.Configure(o => o.EnableCount = false);
        foreach (var l in result.Humans.PerLabel) labels.AddRow(l.Label, l.Codes.ToString("N0", CultureInfo.InvariantCulture), F(l.Kappa), F(l.Specific));
        log.Write(labels.ToString());

        if (result.ModelCoder is { } m)
        {
            var human = result.Pairs.Where(p => p.A != m && p.B != m).Select(p => p.Kappa.Value).Where(double.IsFinite).ToArray();
            var model = result.Pairs.Where(p => p.A == m || p.B == m).Select(p => p.Kappa.Value).Where(double.IsFinite).ToArray();
            if (human.Length > 0 && model.Length > 0)
                log.WriteLine($"Mean Cohen's kappa: annotator with annotator {F(human.Average())}, model with annotator {F(model.Average())}.");
        }
        log.WriteLine($"{result.Disagreements().Count():N0} of {t.ItemIds.Count:N0} items have codes that differ.");
    }
}
