using System.CommandLine;
using System.Text;
using Classifier.Cli;
using Classifier.Cli.Tables;
using Classifier.Core;
using Classifier.Core.Quantification;
using Classifier.Core.Scoring;
using Classifier.Core.Scoring.Shards;
using Classifier.Reports;

namespace Classifier.Scoring.Commands;

/// <summary>
/// The root command of <c>classifier-score</c>: scores single texts (--text), lines on standard input, or a
/// corpus (--input/--output) through a <see cref="ScoringJob"/>; holds the explain, suggest, merge and drift
/// subcommands. The old mode flags (--explain, --suggest N) stay accepted here.
/// </summary>
internal sealed class ScoreCommand : RootCommand
{
    private static readonly ScoringJobOptions Defaults = new();

    private readonly Option<string> _model = new("--model") { Description = "The model zip to score with.", DefaultValueFactory = _ => Defaults.ModelPath };
    private readonly Option<string[]> _text = new("--text") { Description = "A text to score (repeatable); prints a table. Without --text or --input, lines are read from standard input." };
    private readonly Option<string?> _input = new("--input") { Description = "A CSV or Parquet (.parquet) corpus to score (streamed: any size)." };
    private readonly Option<string?> _output = new("--output") { Description = "Where to write the scored corpus ('.parquet': Parquet, keeping the input's columns and types); '-' for standard output. Required with --input." };
    private readonly Option<string> _textColumn = new("--text-column") { Description = "Name of the text column of --input.", DefaultValueFactory = _ => Defaults.Scoring.TextColumn };
    private readonly ChoiceOption<OutputFormat> _format = OptionRules.Choice("--format", "Output format: csv or jsonl.", OutputFormat.Csv);
    private readonly Option<bool> _sentences = new("--sentences") { Description = "Split each row's text into sentences and score each: one row per sentence, the text column holding the sentence, plus sentence_index (1-based)." };
    private readonly Option<bool> _aggregate = new("--aggregate") { Description = "With --sentences: one row per input row with the count (n_<label>) and share (share_<label>) of each label among its sentences." };
    private readonly Option<float?> _minConfidence = new("--min-confidence") { Description = "Below this confidence (0-1) the label is 'uncertain'; probabilities are still written." };
    private readonly Option<string?> _errors = new("--errors") { Description = "Write the malformed rows skipped to this CSV (line, raw, reason)." };
    private readonly Option<bool> _strict = new("--strict") { Description = "Stop at the first malformed row instead of skipping and counting it." };
    private readonly Option<bool> _force = new("--force") { Description = "Replace an existing output (never the input)." };
    private readonly Option<bool> _excelSafe = new("--excel-safe") { Description = "Prefix text cells starting with =, +, - or @ with ' so spreadsheets do not run them as formulas." };
    private readonly Option<bool> _quiet = new("--quiet") { Description = "No progress line and no summary on standard error." };
    private readonly Option<int> _threads = new("--threads") { Description = "Batches scored at once (default: the number of cores).", DefaultValueFactory = _ => Defaults.Scoring.Threads };
    private readonly Option<int> _batchSize = new("--batch-size") { Description = "Texts per model.Transform batch.", DefaultValueFactory = _ => Defaults.Scoring.BatchSize };
    private readonly ChoiceOption<ScoringEngine> _engine = OptionRules.Choice("--engine", "What runs the model: auto (the compiled form of an n-gram or n-gram + embeddings logistic-regression model, which gives ML.NET's probabilities several times faster; else ML.NET), compiled (fail if not compilable) or mlnet (ML.NET model.Transform).", ScoringEngine.Auto);
    private readonly Option<bool> _explain = new("--explain") { Description = "With --text: also print, per label, the words and n-grams that pushed the text toward it (linear models only). Same as 'classifier-score explain'." };
    private readonly Option<int> _explainTop = new("--explain-top") { Description = "With --explain: entries shown per label.", DefaultValueFactory = _ => 8 };
    private readonly Option<int?> _suggest = new("--suggest") { Description = "Instead of scoring --input, write to --output the N rows worth labeling next (lowest margin between the top two labels, de-duplicated, spread over the corpus), with an empty label column. Same as 'classifier-score suggest N'." };
    private readonly Option<string?> _labeled = new("--labeled") { Description = "With --suggest: a labeled CSV (e.g. data/stance.csv) whose texts are never suggested again." };
    private readonly Option<string?> _report = new("--report") { Description = "With --input and --output FILE: also write a picture report (label counts, confidence histogram, index.html) to this folder." };
    private readonly Option<string?> _dateColumn = new("--date-column") { Description = "With --report: a date column of --input; adds the share of each label by week or month. With --shares: estimate the shares per --period of this column." };
    private readonly Option<string?> _shares = new("--shares") { Description = "With --input: write corrected label shares with confidence intervals to this CSV (group,period,label,n,cc_share,share,ci_low,ci_high,method,note); --output may then be left out. Needs a model card with quantification statistics, or --calibration. With --shard: the shard saves its share statistics beside its part, and 'classifier-score merge' writes this file." };
    private readonly ChoiceOption<ShareMethod> _shareMethod = OptionRules.Choice("--share-method", "With --shares: pacc (probabilistic adjusted classify and count) or acc (adjusted classify and count).", ShareMethod.Pacc);
    private readonly Option<string?> _groupBy = new("--group-by") { Description = "With --shares: a column of --input (outlet, speaker, country); one estimate per value." };
    private readonly ChoiceOption<SharePeriod> _period = OptionRules.Choice("--period", "With --shares and --date-column: week, month, quarter or year.", SharePeriod.Month);
    private readonly Option<double> _confidence = new("--confidence") { Description = "With --shares: coverage of the intervals (0-1).", DefaultValueFactory = _ => 0.95 };
    private readonly Option<int> _seed = new("--seed") { Description = "With --shares: the bootstrap's seed; the same seed and input give the same intervals.", DefaultValueFactory = _ => new ShareOptions().Seed };
    private readonly Option<int> _replicates = new("--replicates") { Description = "With --shares: bootstrap replicates.", DefaultValueFactory = _ => ShareOptions.DefaultReplicates };
    private readonly Option<string?> _calibration = new("--calibration") { Description = "With --shares: a labeled CSV sampled from the same kind of text as --input (same text column, a label column), never trained on; the model's error rates are measured on it instead of taken from the card." };
    private readonly Option<string> _calibrationLabel = new("--calibration-label-column") { Description = "With --calibration: its label column.", DefaultValueFactory = _ => "label" };
    private readonly Option<int> _minGroupSize = new("--min-group-size") { Description = "With --shares: groups with fewer texts get no estimate, only a note.", DefaultValueFactory = _ => 30 };
    private readonly Option<string?> _shard = ShardCommands.ShardOption();
    private readonly Option<int?> _shards = ShardCommands.ShardsOption();

    private readonly CommandContext _context;

    /// <summary>The root command and its subcommands, writing to and reading from <paramref name="context"/>.</summary>
    public ScoreCommand(CommandContext context)
        : base("Score text with a saved stance model: single texts (--text), lines on standard input, or a CSV corpus (--input/--output).")
    {
        _context = context;
        foreach (var option in new Option[]
        {
            _model, _text, _input, _output, _textColumn, _format, _sentences, _aggregate, _minConfidence, _errors, _strict, _force, _excelSafe, _quiet, _threads, _batchSize,
            _engine, _explain, _explainTop, _suggest, _labeled, _report, _dateColumn, _shard, _shards,
            _shares, _shareMethod, _groupBy, _period, _confidence, _seed, _replicates, _minGroupSize, _calibration, _calibrationLabel,
        })
        {
            Options.Add(option);
        }
        Subcommands.Add(new ExplainCommand(context));
        Subcommands.Add(new SuggestCommand(context));
        Subcommands.Add(new MergeCommand(context));
        Subcommands.Add(new DriftCommand(context));
        SetAction(parse => CommandShell.Guard(context.Stderr, () => Score(parse), "cannot write the output"));
    }

    private int Score(ParseResult parse)
    {
        var (stdout, stderr, interactive, cancel) = (_context.Stdout, _context.Stderr, _context.Interactive, _context.Cancel);
        var scoring = new ScoringOptions
        {
            TextColumn = parse.GetValue(_textColumn)!,
            Format = _format.ValueIn(parse),
            Sentences = parse.GetValue(_sentences),
            Aggregate = parse.GetValue(_aggregate),
            MinConfidence = parse.GetValue(_minConfidence),
            Strict = parse.GetValue(_strict),
            ExcelSafe = parse.GetValue(_excelSafe),
            Threads = OptionRules.Bounded(parse.GetValue(_threads), "--threads", Program.MaxThreads),
            BatchSize = OptionRules.Bounded(parse.GetValue(_batchSize), "--batch-size", Program.MaxBatchSize),
            Engine = _engine.ValueIn(parse),
            // Keeps a streaming run's heap flat whatever the machine's cache size (HeapPacer).
            AfterBatch = new HeapPacer().Tick,
        };
        var job = new ScoringJobOptions
        {
            ModelPath = parse.GetValue(_model)!,
            InputPath = parse.GetValue(_input),
            OutputPath = parse.GetValue(_output),
            ErrorsPath = parse.GetValue(_errors),
            Force = parse.GetValue(_force),
            Scoring = scoring,
            SharesPath = parse.GetValue(_shares),
            CalibrationPath = parse.GetValue(_calibration),
            CalibrationLabelColumn = parse.GetValue(_calibrationLabel)!,
            Shares = new ShareOptions
            {
                Method = _shareMethod.ValueIn(parse),
                Confidence = parse.GetValue(_confidence),
                Seed = parse.GetValue(_seed),
                Replicates = parse.GetValue(_replicates),
                MinGroupSize = parse.GetValue(_minGroupSize),
            },
            ShareGrouping = new ShareGrouping
            {
                GroupColumn = parse.GetValue(_groupBy),
                DateColumn = parse.GetValue(_shares) is null ? null : parse.GetValue(_dateColumn),
                Period = _period.ValueIn(parse),
            },
        };

        var texts = parse.GetValue(_text) ?? [];
        var reportFolder = parse.GetValue(_report);
        var dateName = parse.GetValue(_dateColumn);
        if (parse.GetValue(_explain) && texts.Length == 0)
            throw ClassifierException.Arguments("--explain works with --text (explain a few texts, not a corpus).");
        if (dateName is not null && reportFolder is null && job.SharesPath is null) throw ClassifierException.Arguments("--date-column needs --report DIR or --shares FILE.");
        if (job.SharesPath is null)
        {
            foreach (var (name, given) in new[] { ("--group-by", parse.GetResult(_groupBy)), ("--share-method", parse.GetResult(_shareMethod)), ("--period", parse.GetResult(_period)),
                ("--confidence", parse.GetResult(_confidence)), ("--seed", parse.GetResult(_seed)), ("--replicates", parse.GetResult(_replicates)), ("--min-group-size", parse.GetResult(_minGroupSize)),
                ("--calibration", parse.GetResult(_calibration)), ("--calibration-label-column", parse.GetResult(_calibrationLabel)) })
            {
                if (given is { Implicit: false }) throw ClassifierException.Arguments($"{name} works with --shares FILE.");
            }
        }
        var one = ShardSpec.Resolve(parse.GetValue(_shard), parse.GetValue(_shards), Environment.GetEnvironmentVariable);
        if (one is not null && (texts.Length > 0 || reportFolder is not null || parse.GetValue(_suggest) is not null))
            throw ClassifierException.Arguments("--shard works with --input and --output; --text, --report and --suggest do not split (run --report on the merged output).");
        if (texts.Length > 0)
        {
            if (job.InputPath is not null) throw ClassifierException.Arguments("--text and --input cannot be used together.");
            if (job.SharesPath is not null) throw ClassifierException.Arguments("--shares works with --input CORPUS.csv, not --text.");
            if (reportFolder is not null) throw ClassifierException.Arguments("--report works with --input, not --text.");
            // Bounded before the model is loaded, as the explain subcommand's validator does.
            int? top = parse.GetValue(_explain) ? OptionRules.Bounded(parse.GetValue(_explainTop), "--explain-top", ExplainCommand.MaxTop) : null;
            TextScoring.Run(job.ModelPath, texts, scoring.Engine, scoring.MinConfidence, top, stdout);
            return ExitCodes.Success;
        }
        if (parse.GetValue(_suggest) is { } count)
        {
            SuggestCommand.Run(job, OptionRules.Bounded(count, "--suggest", SuggestCommand.MaxCount), parse.GetValue(_labeled), stderr, parse.GetValue(_quiet));
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

        var quietRun = parse.GetValue(_quiet);
        if (one is not null)
        {
            ShardCommands.RunShard(job, one, stderr, interactive && !quietRun ? new ProgressLine(stderr) : null, quietRun, cancel);
            return ExitCodes.Success;
        }
        if (Formats.WritesParquet(job) && reportFolder is not null) throw ClassifierException.Arguments("--report reads a CSV or JSON-lines output, not Parquet.");
        var summary = Formats.WritesParquet(job)
            ? Classifier.Parquet.ParquetScoring.Run(job, interactive && !quietRun ? new ProgressLine(stderr) : null, cancel)
            : RunJob(Formats.WithInputReader(job), stdout, _context.Stdin, interactive && !quietRun ? new ProgressLine(stderr) : null, cancel, stderr.WriteLine);
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
            // The run's own label list (the model's, in Score order): the model is not loaded a second time.
            ScoredOutput.Read(job.OutputPath!, summary.Labels, dateName, scoring.Format == OutputFormat.Jsonl)
                .Write(reportFolder, job.InputPath!, job.ModelPath, dateName, summary.Shares);
            if (!quietRun) stderr.WriteLine($"Wrote the scoring report to {Path.Combine(reportFolder, "index.html")}.");
        }
        return ExitCodes.Success;
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
}
