using System.Diagnostics;
using Classifier.Core.Data;
using Classifier.Core.Evaluation;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Onnx;

namespace Classifier.Core.Training;

/// <summary>The files and choices of one training run, as the training command takes them.</summary>
public sealed record TrainingJobOptions
{
    public string DataPath { get; init; } = "data/stance.csv";

    /// <summary>Null to skip the held-out evaluation.</summary>
    public string? TestPath { get; init; } = "data/stance-test.csv";

    public string ModelPath { get; init; } = "models/stance.zip";

    /// <summary>Also write the model as ONNX here; null for none.</summary>
    public string? OnnxPath { get; init; }
    public string TextColumn { get; init; } = "text";
    public string LabelColumn { get; init; } = "label";

    /// <summary>Null means rank every trainer by cross-validated macro-F1 and keep the best.</summary>
    public TrainerKind? Trainer { get; init; } = TrainerKind.Lbfgs;

    public TrainingOptions Training { get; init; } = new();
}

/// <summary>What a training run produced.</summary>
public sealed record TrainingJobResult(ModelCard Card, TrainedModel Model, IReadOnlyList<LabeledExample> TestRows);

/// <summary>
/// Reads the data, cross-validates (every trainer for auto), fits on all rows, evaluates on the test
/// file, then saves the zip and its card atomically. Progress and tables go to <c>log</c>.
/// </summary>
public static class TrainingJob
{
    public static TrainingJobResult Run(TrainingJobOptions job, TextWriter log)
    {
        // Fail before minutes of training, not after.
        AtomicFile.EnsureWritableFolder(job.ModelPath, "model");
        if (job.OnnxPath is not null) AtomicFile.EnsureWritableFolder(job.OnnxPath, "ONNX model");
        var train = LabeledCsv.Read(job.DataPath, job.TextColumn, job.LabelColumn);
        var test = job.TestPath is null ? null : LabeledCsv.Read(job.TestPath, job.TextColumn, job.LabelColumn);
        ReportRead(log, train);
        if (test is not null) ReportRead(log, test);

        var options = job.Training;
        List<LeaderboardEntry>? leaderboard = null;
        CrossValidationSummary cv;
        if (job.Trainer is { } chosen)
        {
            options = options with { Trainer = chosen };
            log.WriteLine($"Cross-validating {chosen.Name()} over {options.Folds} stratified folds (seed {options.Seed})...");
            cv = ModelTrainer.CrossValidate(train.Rows, options).Summary;
        }
        else
        {
            (options, cv, leaderboard) = RankTrainers(train.Rows, options, log);
        }

        log.WriteLine();
        log.WriteLine($"Cross-validation, {options.Trainer.Name()}, {options.Folds} folds (mean ± sd), {cv.Seconds:0.0} s:");
        log.Write(MetricsTables.PerClass(cv));
        log.WriteLine("Confusion matrix summed over folds (rows = truth, columns = predicted):");
        log.Write(MetricsTables.Confusion(cv.Labels, cv.ConfusionMatrix));

        var watch = Stopwatch.StartNew();
        var model = ModelTrainer.Fit(train.Rows, options);
        log.WriteLine($"Fitted {options.Trainer.Name()} on all {train.Rows.Count:N0} rows in {watch.Elapsed.TotalSeconds:0.0} s.");

        EvaluationReport? testReport = null;
        if (test is not null)
        {
            testReport = ModelTrainer.Evaluate(model.Transformer, test.Rows, model.Labels, test.Path);
            log.WriteLine();
            log.WriteLine($"Held-out test file {test.Path} ({test.Rows.Count:N0} rows):");
            log.Write(MetricsTables.PerClass(testReport));
            log.Write(MetricsTables.Confusion(testReport.Labels, testReport.ConfusionMatrix));
        }

        // ONNX first: a model the converter cannot export fails the run before the zip is replaced.
        long? onnxBytes = job.OnnxPath is null ? null : OnnxExport.Export(model.Transformer, job.OnnxPath, job.ModelPath);
        var bytes = ModelStore.Save(model, job.ModelPath);
        var card = new ModelCard
        {
            Labels = model.Labels,
            Trainer = options.Trainer.Name(),
            TrainerSettings = TrainerCatalog.Settings(options.Trainer),
            FeatureSet = "ngrams",
            Features = options.Features.Describe(),
            FeatureSettings = options.Features,
            Training = Describe(train),
            Test = test is null ? null : Describe(test),
            CrossValidation = cv,
            TestMetrics = testReport,
            Leaderboard = leaderboard,
            Seed = options.Seed,
            MlNetVersion = MlNetVersion(),
            CreatedUtc = DateTimeOffset.UtcNow,
            ModelBytes = bytes,
        };
        ModelStore.SaveCard(card, job.ModelPath);
        log.WriteLine();
        log.WriteLine($"Saved {job.ModelPath} ({bytes / 1024.0:N0} KiB) and {ModelCard.PathFor(job.ModelPath)}.");
        if (onnxBytes is not null) log.WriteLine($"Saved {job.OnnxPath} ({onnxBytes / 1024.0:N0} KiB, ONNX).");
        return new TrainingJobResult(card, model, test?.Rows ?? []);
    }

    private static (TrainingOptions Best, CrossValidationSummary Cv, List<LeaderboardEntry> Board) RankTrainers(
        IReadOnlyList<LabeledExample> rows, TrainingOptions options, TextWriter log)
    {
        var results = new List<(TrainingOptions Options, CrossValidationSummary Cv)>();
        foreach (var kind in TrainerKinds.All)
        {
            log.WriteLine($"auto: cross-validating {kind.Name()} over {options.Folds} stratified folds...");
            var candidate = options with { Trainer = kind };
            results.Add((candidate, ModelTrainer.CrossValidate(rows, candidate).Summary));
        }
        // Ties go to the earlier (simpler, faster) trainer: OrderByDescending is stable.
        var ranked = results.OrderByDescending(r => r.Cv.MacroF1.Mean).ToList();
        var board = ranked.Select(r => new LeaderboardEntry(r.Options.Trainer.Name(), r.Cv.MacroF1, r.Cv.Accuracy, r.Cv.LogLoss, r.Cv.Seconds)).ToList();
        log.WriteLine();
        log.WriteLine("Leaderboard (cross-validated, best first):");
        log.Write(MetricsTables.Leaderboard(board));
        return (ranked[0].Options, ranked[0].Cv, board);
    }

    private static void ReportRead(TextWriter log, LabeledData data)
    {
        var counts = string.Join(", ", data.Rows.GroupBy(r => r.Label).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}"));
        log.WriteLine($"Read {data.Path}: {data.Rows.Count:N0} rows ({counts}).");
        if (data.Skipped > 0)
            log.WriteLine($"  skipped {data.Skipped:N0} rows: {data.SkippedEmptyText:N0} with empty text, {data.SkippedEmptyLabel:N0} with an empty label.");
    }

    private static DataFileInfo Describe(LabeledData data) =>
        new(data.Path, FileHash.Sha256(data.Path), data.Rows.Count, data.Skipped);

    public static string MlNetVersion() =>
        typeof(Microsoft.ML.MLContext).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
            .FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? typeof(Microsoft.ML.MLContext).Assembly.GetName().Version?.ToString() ?? "unknown";
}
