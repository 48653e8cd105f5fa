using System.CommandLine;
using Classifier.Cli;
using Classifier.Cli.Tables;
using System.Text;
using Classifier.Core;
using Classifier.Core.Insight.Explain;
using Classifier.Reports;
using Classifier.Core.Insight.Suggest;
using Classifier.Core.Model;
using Classifier.Core.Quantification;
using Classifier.Core.Scoring;
using Classifier.Core.Scoring.Shards;

namespace Classifier.Scoring;

/// <summary>The scoring command: a thin shell that turns arguments into a <see cref="ScoringJob"/> (or a table for --text).</summary>
public static class Program
{
    /// <summary>Largest accepted --batch-size: a batch's arrays are allocated up front.</summary>
    public const int MaxBatchSize = 1 << 20;

    /// <summary>Largest accepted --threads (lanes in flight).</summary>
    public const int MaxThreads = 1024;

    public static int Main(string[] args)
    {
        // Ctrl-C and SIGTERM stop cleanly (the temporary output is deleted): exit 130 and 143; a second signal stops at once.
        using var termination = Termination.Install(TimeSpan.FromSeconds(5), Console.Error);
        var code = Run(args, Console.Out, Console.Error, Console.In, interactive: !Console.IsErrorRedirected, termination.Token);
        return termination.Exit(code);
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null, bool interactive = false, CancellationToken cancel = default)
    {
        var defaults = new ScoringJobOptions();
        var model = new Option<string>("--model") { Description = "The model zip to score with.", DefaultValueFactory = _ => defaults.ModelPath };
        var text = new Option<string[]>("--text") { Description = "A text to score (repeatable); prints a table. Without --text or --input, lines are read from standard input." };
        var input = new Option<string?>("--input") { Description = "A CSV or Parquet (.parquet) corpus to score (streamed: any size)." };
        var output = new Option<string?>("--output") { Description = "Where to write the scored corpus ('.parquet': Parquet, keeping the input's columns and types); '-' for standard output. Required with --input." };
        var textColumn = new Option<string>("--text-column") { Description = "Name of the text column of --input.", DefaultValueFactory = _ => defaults.Scoring.TextColumn };
        var format = new Option<string>("--format") { Description = "Output format: csv or jsonl.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var sentences = new Option<bool>("--sentences") { Description = "Split each row's text into sentences and score each: one row per sentence, the text column holding the sentence, plus sentence_index (1-based)." };
        var aggregate = new Option<bool>("--aggregate") { Description = "With --sentences: one row per input row with the count (n_<label>) and share (share_<label>) of each label among its sentences." };
        var minConfidence = new Option<float?>("--min-confidence") { Description = "Below this confidence (0-1) the label is 'uncertain'; probabilities are still written." };
        var errors = new Option<string?>("--errors") { Description = "Write the malformed rows skipped to this CSV (line, raw, reason)." };
        var strict = new Option<bool>("--strict") { Description = "Stop at the first malformed row instead of skipping and counting it." };
        var force = new Option<bool>("--force") { Description = "Replace an existing output (never the input)." };
        var excelSafe = new Option<bool>("--excel-safe") { Description = "Prefix text cells starting with =, +, - or @ with ' so spreadsheets do not run them as formulas." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress line and no summary on standard error." };
        var threads = new Option<int>("--threads") { Description = "Batches scored at once (default: the number of cores).", DefaultValueFactory = _ => defaults.Scoring.Threads };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per model.Transform batch.", DefaultValueFactory = _ => defaults.Scoring.BatchSize };
        var engine = new Option<string>("--engine") { Description = "What runs the model: auto (the compiled form of an n-gram or n-gram + embeddings logistic-regression model, which gives ML.NET's probabilities several times faster; else ML.NET), compiled (fail if not compilable) or mlnet (ML.NET model.Transform).", DefaultValueFactory = _ => "auto" };
        engine.AcceptOnlyFromAmong("auto", "compiled", "mlnet");
        var explain = new Option<bool>("--explain") { Description = "With --text: also print, per label, the words and n-grams that pushed the text toward it (linear models only)." };
        var explainTop = new Option<int>("--explain-top") { Description = "With --explain: entries shown per label.", DefaultValueFactory = _ => 8 };
        var suggest = new Option<int?>("--suggest") { Description = "Instead of scoring --input, write to --output the N rows worth labeling next (lowest margin between the top two labels, de-duplicated, spread over the corpus), with an empty label column." };
        var labeled = new Option<string?>("--labeled") { Description = "With --suggest: a labeled CSV (e.g. data/stance.csv) whose texts are never suggested again." };
        var report = new Option<string?>("--report") { Description = "With --input and --output FILE: also write a picture report (label counts, confidence histogram, index.html) to this folder." };
        var dateColumn = new Option<string?>("--date-column") { Description = "With --report: a date column of --input; adds the share of each label by week or month. With --shares: estimate the shares per --period of this column." };
        var shares = new Option<string?>("--shares") { Description = "With --input: write corrected label shares with confidence intervals to this CSV (group,period,label,n,cc_share,share,ci_low,ci_high,method,note); --output may then be left out. Needs a model card with quantification statistics, or --calibration." };
        var shareMethod = new Option<string>("--share-method") { Description = "With --shares: pacc (probabilistic adjusted classify and count) or acc (adjusted classify and count).", DefaultValueFactory = _ => "pacc" };
        shareMethod.AcceptOnlyFromAmong("pacc", "acc");
        var groupBy = new Option<string?>("--group-by") { Description = "With --shares: a column of --input (outlet, speaker, country); one estimate per value." };
        var period = new Option<string>("--period") { Description = "With --shares and --date-column: week, month, quarter or year.", DefaultValueFactory = _ => "month" };
        period.AcceptOnlyFromAmong("week", "month", "quarter", "year");
        var confidence = new Option<double>("--confidence") { Description = "With --shares: coverage of the intervals (0-1).", DefaultValueFactory = _ => 0.95 };
        var seed = new Option<int>("--seed") { Description = "With --shares: the bootstrap's seed; the same seed and input give the same intervals.", DefaultValueFactory = _ => new ShareOptions().Seed };
        var replicates = new Option<int>("--replicates") { Description = "With --shares: bootstrap replicates.", DefaultValueFactory = _ => ShareOptions.DefaultReplicates };
        var calibration = new Option<string?>("--calibration") { Description = "With --shares: a labeled CSV sampled from the same kind of text as --input (same text column, a label column), never trained on; the model's error rates are measured on it instead of taken from the card." };
        var calibrationLabel = new Option<string>("--calibration-label-column") { Description = "With --calibration: its label column.", DefaultValueFactory = _ => "label" };
        var minGroupSize = new Option<int>("--min-group-size") { Description = "With --shares: groups with fewer texts get no estimate, only a note.", DefaultValueFactory = _ => 30 };
        var shard = ShardCommands.ShardOption();
        var shards = ShardCommands.ShardsOption();

        var root = new RootCommand("Score text with a saved stance model: single texts (--text), lines on standard input, or a CSV corpus (--input/--output).")
        {
            model, text, input, output, textColumn, format, sentences, aggregate, minConfidence, errors, strict, force, excelSafe, quiet, threads, batchSize,
            engine, explain, explainTop, suggest, labeled, report, dateColumn, shard, shards,
            shares, shareMethod, groupBy, period, confidence, seed, replicates, minGroupSize, calibration, calibrationLabel,
        };
        root.Subcommands.Add(ShardCommands.MergeCommand(stderr));

        root.Subcommands.Add(DriftCommand.Create(stdout, stderr));

        root.SetAction(parse =>
        {
            try
            {
                var scoring = new ScoringOptions
                {
                    TextColumn = parse.GetValue(textColumn)!,
                    Format = parse.GetValue(format) == "jsonl" ? OutputFormat.Jsonl : OutputFormat.Csv,
                    Sentences = parse.GetValue(sentences),
                    Aggregate = parse.GetValue(aggregate),
                    MinConfidence = parse.GetValue(minConfidence),
                    Strict = parse.GetValue(strict),
                    ExcelSafe = parse.GetValue(excelSafe),
                    Threads = Bounded(parse.GetValue(threads), "--threads", MaxThreads),
                    BatchSize = Bounded(parse.GetValue(batchSize), "--batch-size", MaxBatchSize),
                    Engine = parse.GetValue(engine) switch
                    {
                        "compiled" => ScoringEngine.Compiled,
                        "mlnet" => ScoringEngine.MlNet,
                        _ => ScoringEngine.Auto,
                    },
                    // Keeps a streaming run's heap flat whatever the machine's cache size (HeapPacer).
                    AfterBatch = new HeapPacer().Tick,
                };
                var job = new ScoringJobOptions
                {
                    ModelPath = parse.GetValue(model)!,
                    InputPath = parse.GetValue(input),
                    OutputPath = parse.GetValue(output),
                    ErrorsPath = parse.GetValue(errors),
                    Force = parse.GetValue(force),
                    Scoring = scoring,
                    SharesPath = parse.GetValue(shares),
                    CalibrationPath = parse.GetValue(calibration),
                    CalibrationLabelColumn = parse.GetValue(calibrationLabel)!,
                    Shares = new ShareOptions
                    {
                        Method = parse.GetValue(shareMethod) == "acc" ? ShareMethod.Acc : ShareMethod.Pacc,
                        Confidence = parse.GetValue(confidence),
                        Seed = parse.GetValue(seed),
                        Replicates = parse.GetValue(replicates),
                        MinGroupSize = parse.GetValue(minGroupSize),
                    },
                    ShareGrouping = new ShareGrouping
                    {
                        GroupColumn = parse.GetValue(groupBy),
                        DateColumn = parse.GetValue(shares) is null ? null : parse.GetValue(dateColumn),
                        Period = Enum.Parse<SharePeriod>(parse.GetValue(period)!, ignoreCase: true),
                    },
                };

                var texts = parse.GetValue(text) ?? [];
                var reportFolder = parse.GetValue(report);
                var dateName = parse.GetValue(dateColumn);
                if (parse.GetValue(explain) && texts.Length == 0)
                    throw ClassifierException.Arguments("--explain works with --text (explain a few texts, not a corpus).");
                if (dateName is not null && reportFolder is null && job.SharesPath is null) throw ClassifierException.Arguments("--date-column needs --report DIR or --shares FILE.");
                if (job.SharesPath is null)
                {
                    foreach (var (name, given) in new[] { ("--group-by", parse.GetResult(groupBy)), ("--share-method", parse.GetResult(shareMethod)), ("--period", parse.GetResult(period)),
                        ("--confidence", parse.GetResult(confidence)), ("--seed", parse.GetResult(seed)), ("--replicates", parse.GetResult(replicates)), ("--min-group-size", parse.GetResult(minGroupSize)),
                        ("--calibration", parse.GetResult(calibration)), ("--calibration-label-column", parse.GetResult(calibrationLabel)) })
                    {
                        if (given is { Implicit: false }) throw ClassifierException.Arguments($"{name} works with --shares FILE.");
                    }
                }
                var one = ShardSpec.Resolve(parse.GetValue(shard), parse.GetValue(shards), Environment.GetEnvironmentVariable);
                if (one is not null && (texts.Length > 0 || reportFolder is not null || parse.GetValue(suggest) is not null))
                    throw ClassifierException.Arguments("--shard works with --input and --output; --text, --report and --suggest do not split (run --report on the merged output).");
                if (one is not null && job.SharesPath is not null)
                    throw ClassifierException.Arguments("--shares does not split across shards yet: merge the parts, then run --shares on the merged output.");
                if (texts.Length > 0)
                {
                    if (job.InputPath is not null) throw ClassifierException.Arguments("--text and --input cannot be used together.");
                    if (job.SharesPath is not null) throw ClassifierException.Arguments("--shares works with --input CORPUS.csv, not --text.");
                    if (reportFolder is not null) throw ClassifierException.Arguments("--report works with --input, not --text.");
                    ScoreTexts(job, texts, stdout);
                    if (parse.GetValue(explain)) Explain(job.ModelPath, texts, Bounded(parse.GetValue(explainTop), "--explain-top", 10_000), stdout);
                    return ExitCodes.Success;
                }
                if (parse.GetValue(suggest) is { } count)
                {
                    Suggest(job, Bounded(count, "--suggest", 10_000_000), parse.GetValue(labeled), stderr, parse.GetValue(quiet));
                    return ExitCodes.Success;
                }
                if (job.InputPath is not null && job.OutputPath is null && job.SharesPath is null)
                    throw ClassifierException.Arguments("--input needs --output FILE (or --output - for standard output).");
                if (reportFolder is not null)
                {
                    if (job.InputPath is null || job.WritesToStandardOutput || job.DiscardsOutput)
                        throw ClassifierException.Arguments("--report needs --input and --output FILE (the report is drawn from the written file).");
                    if (scoring.Aggregate) throw ClassifierException.Arguments("--report needs one row per scored text: drop --aggregate.");
                    if (dateName is not null) ScoredOutput.RequireColumn(job.InputPath, dateName, "--date-column");
                    // Created (or refused) now, not after scoring the whole corpus.
                    _ = new ReportFolder(reportFolder);
                }

                var quietRun = parse.GetValue(quiet);
                if (one is not null)
                {
                    ShardCommands.RunShard(job, one, stderr, interactive && !quietRun ? new ProgressLine(stderr) : null, quietRun, cancel);
                    return ExitCodes.Success;
                }
                if (Formats.WritesParquet(job) && reportFolder is not null) throw ClassifierException.Arguments("--report reads a CSV or JSON-lines output, not Parquet.");
                if (Formats.WritesParquet(job) && job.SharesPath is not null) throw ClassifierException.Arguments("--shares works with CSV or JSON-lines output; write CSV, or run --shares on the Parquet input with a CSV --output.");
                var summary = Formats.WritesParquet(job)
                    ? Classifier.Parquet.ParquetScoring.Run(job, interactive && !quietRun ? new ProgressLine(stderr) : null, cancel)
                    : RunJob(Formats.WithInputReader(job), stdout, stdin ?? Console.In, interactive && !quietRun ? new ProgressLine(stderr) : null, cancel, stderr.WriteLine);
                if (!quietRun) stderr.WriteLine(summary.ToTable(scoring.Sentences));
                if (!quietRun && summary.Shares is { } estimated)
                {
                    stderr.WriteLine(Classifier.Cli.Tables.ShareTables.Summary(estimated));
                    if (summary.SharesNote is not null) stderr.WriteLine(summary.SharesNote);
                    stderr.WriteLine($"Wrote the shares to {job.SharesPath}.");
                }
                if (reportFolder is not null)
                {
                    // The report reads the input, the model and the output: none of them may be one of its files.
                    using var reportInputs = Classifier.Core.IO.SafePaths.ProtectInputs([job.InputPath, job.ModelPath, job.OutputPath]);
                    var loaded = ModelStore.Load(job.ModelPath);
                    ScoredOutput.Read(job.OutputPath!, loaded.Labels, dateName, scoring.Format == OutputFormat.Jsonl)
                        .Write(reportFolder, job.InputPath!, job.ModelPath, dateName, summary.Shares);
                    if (!quietRun) stderr.WriteLine($"Wrote the scoring report to {Path.Combine(reportFolder, "index.html")}.");
                }
                return ExitCodes.Success;
            }
            catch (ClassifierException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitCodes.For(e.Kind);
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine("cancelled: no output written.");
                return ExitCodes.Cancelled;
            }
            catch (IOException e)
            {
                // Standard output on a full disk or a closed pipe: one line, not a stack trace.
                stderr.WriteLine($"error: cannot write the output: {ClassifierException.FirstLine(e.Message)}.");
                return ExitCodes.WriteFailed;
            }
        });

        return CommandShell.Invoke(root, args, stdout, stderr);
    }

    private static void ScoreTexts(ScoringJobOptions job, string[] texts, TextWriter stdout)
    {
        if (job.Scoring.MinConfidence is { } min && (min < 0 || min > 1 || float.IsNaN(min)))
            throw ClassifierException.Arguments($"--min-confidence must be between 0 and 1 (got {min}).");
        // A few texts: compiling (about a second) would cost more than it saves.
        var scorer = new BatchScorer(ModelStore.Load(job.ModelPath), job.Scoring.Engine == ScoringEngine.Auto ? ScoringEngine.MlNet : job.Scoring.Engine);
        stdout.WriteLine(PredictionTable.Render(texts, scorer, job.Scoring.MinConfidence));
    }

    private static void Explain(string modelPath, string[] texts, int top, TextWriter stdout)
    {
        var explainer = ModelExplainer.For(ModelStore.Load(modelPath));
        foreach (var text in texts.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            stdout.WriteLine();
            stdout.WriteLine($"why: {text}");
            stdout.Write(ExplanationTables.Render(explainer.Explain(text, top), top));
        }
    }

    private static void Suggest(ScoringJobOptions job, int count, string? labeledPath, TextWriter stderr, bool quiet)
    {
        if (job.InputPath is null || job.WritesToStandardOutput)
            throw ClassifierException.Arguments("--suggest needs --input CORPUS.csv and --output FILE.");
        // Compared as files: --output may reach the corpus or --labeled through a link.
        Classifier.Core.IO.SafePaths.Check([(job.InputPath, "input file"), (labeledPath, "labeled file"), (job.ModelPath, "model")], [(job.OutputPath, "output")]);
        if (File.Exists(job.OutputPath) && !job.Force)
            throw ClassifierException.Arguments($"{job.OutputPath}: already exists; pass --force to replace it.");
        foreach (var note in Classifier.Core.IO.StaleTemporaryFiles.Sweep([job.OutputPath])) stderr.WriteLine(note);
        using var inputs = Classifier.Core.IO.SafePaths.ProtectInputs([job.InputPath, labeledPath, job.ModelPath]);
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

    private static ScoringSummary RunJob(ScoringJobOptions job, TextWriter stdout, TextReader stdin, ProgressLine? progress, CancellationToken cancel, Action<string> notes)
    {
        // The real console gets the raw stream; an in-process caller's writer gets the text at the end.
        if (ReferenceEquals(stdout, Console.Out))
            return ScoringJob.Run(job, Console.OpenStandardOutput, () => stdin, progress, cancel, notes);

        using var buffer = new MemoryStream();
        var summary = ScoringJob.Run(job, () => buffer, () => stdin, progress, cancel, notes);
        stdout.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        stdout.Flush();
        return summary;
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw ClassifierException.Arguments($"{option} must be positive (got {value}).");

    // Beyond the bound a value only allocates memory it cannot use (--batch-size 2147483647 ran out of memory).
    private static int Bounded(int value, string option, int max) =>
        Positive(value, option) <= max ? value : throw ClassifierException.Arguments($"{option} must be at most {max:N0} (got {value:N0}).");
}
