using System.CommandLine;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Core.Insight.Suggest;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Scoring;

namespace Classifier.Scoring.Commands;

/// <summary>
/// <c>classifier-score suggest N --input CORPUS --output FILE</c>: the N rows worth labeling next (the same
/// work as the root command's <c>--suggest N</c>, kept for existing scripts).
/// </summary>
internal sealed class SuggestCommand : Command
{
    /// <summary>Largest accepted count.</summary>
    public const int MaxCount = 10_000_000;

    private readonly Argument<int> _count = new("count") { Description = "How many rows to suggest." };
    private readonly Option<string> _model = new("--model") { Description = "The model zip that measures the margins.", DefaultValueFactory = _ => new ScoringJobOptions().ModelPath };
    private readonly Option<string> _input = new("--input") { Description = "The unlabeled CSV corpus to choose from.", Required = true };
    private readonly Option<string> _output = new("--output") { Description = "Where to write the chosen rows, with an empty label column.", Required = true };
    private readonly Option<string?> _labeled = new("--labeled") { Description = "A labeled CSV (e.g. data/stance.csv) whose texts are never suggested again." };
    private readonly Option<string> _textColumn = new("--text-column") { Description = "Name of the text column of --input.", DefaultValueFactory = _ => new ScoringOptions().TextColumn };
    private readonly Option<bool> _force = new("--force") { Description = "Replace an existing output (never the input)." };
    private readonly Option<bool> _quiet = new("--quiet") { Description = "No summary on standard error." };

    /// <summary>The subcommand, reporting to <paramref name="context"/>'s standard error.</summary>
    public SuggestCommand(CommandContext context)
        : base("suggest", "Write to --output the N rows of --input worth labeling next: lowest margin between the top two labels, de-duplicated, spread over the corpus, with an empty label column.")
    {
        _count.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value <= 0) result.AddError($"count must be positive (got {value}).");
            else if (value > MaxCount) result.AddError($"count must be at most {MaxCount:N0} (got {value:N0}).");
        });
        Arguments.Add(_count);
        foreach (var option in new Option[] { _model, _input, _output, _labeled, _textColumn, _force, _quiet }) Options.Add(option);
        SetAction(parse => CommandShell.Guard(context.Stderr, () =>
        {
            var job = new ScoringJobOptions
            {
                ModelPath = parse.GetValue(_model)!,
                InputPath = parse.GetValue(_input),
                OutputPath = parse.GetValue(_output),
                Force = parse.GetValue(_force),
                Scoring = new ScoringOptions { TextColumn = parse.GetValue(_textColumn)! },
            };
            Run(job, parse.GetValue(_count), parse.GetValue(_labeled), context.Stderr, parse.GetValue(_quiet));
            return ExitCodes.Success;
        }, "cannot write the output"));
    }

    /// <summary>Chooses and writes the rows; prints what it read and wrote unless <paramref name="quiet"/>.</summary>
    public static void Run(ScoringJobOptions job, int count, string? labeledPath, TextWriter stderr, bool quiet)
    {
        if (job.InputPath is null || job.WritesToStandardOutput)
            throw ClassifierException.Arguments("--suggest needs --input CORPUS.csv and --output FILE.");
        // Compared as files: --output may reach the corpus or --labeled through a link.
        SafePaths.Check([(job.InputPath, "input file"), (labeledPath, "labeled file"), (job.ModelPath, "model")], [(job.OutputPath, "output")]);
        if (File.Exists(job.OutputPath) && !job.Force)
            throw ClassifierException.Arguments($"{job.OutputPath}: already exists; pass --force to replace it.");
        foreach (var note in StaleTemporaryFiles.Sweep([job.OutputPath])) stderr.WriteLine(note);
        using var inputs = SafePaths.ProtectInputs([job.InputPath, labeledPath, job.ModelPath]);
        var model = ModelStore.Load(job.ModelPath);
        var options = new SuggestOptions
        {
            Count = count,
            TextColumn = job.Scoring.TextColumn,
            AlreadyLabeled = labeledPath is null ? new HashSet<string>() : LabelingSuggester.KeysOf(labeledPath),
        };
        var result = LabelingSuggester.Choose(model, job.InputPath, options);
        LabelingSuggester.Write(result, job.OutputPath!);
        if (quiet) return;
        stderr.WriteLine($"Read {result.RowsRead:N0} rows of {job.InputPath}: {result.Duplicates:N0} near-duplicates, {result.AlreadyLabeled:N0} already labeled, {result.EmptyText:N0} empty.");
        var margins = result.Chosen.Select(s => s.Margin).ToArray();
        stderr.WriteLine(margins.Length == 0
            ? $"No rows to suggest; wrote an empty {job.OutputPath}."
            : $"Wrote {margins.Length} rows to label to {job.OutputPath} (margin {margins.Min():0.000} to {margins.Max():0.000}); fill in the label column, then append text,label,source to the training CSV.");
    }
}
