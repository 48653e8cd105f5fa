using System.Diagnostics;
using Classifier.Core.Calibration;
using Classifier.Core.Data;
using Classifier.Cli.Tables;
using Classifier.Core;
using Classifier.Core.Features;
using Classifier.Core.Evaluation;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Training;
using Classifier.Embeddings;
using Classifier.Onnx;
using Classifier.Core.Quantification;

namespace Classifier.Training;

/// <summary>The files and choices of one training run, as the training command takes them.</summary>
public sealed record TrainingJobOptions
{
    public string DataPath { get; init; } = "data/stance.csv";

    /// <summary>Null to skip the held-out evaluation.</summary>
    public string? TestPath { get; init; } = "data/stance-test.csv";

    /// <summary>Out-of-domain labeled file the final model is also evaluated on; null to skip.</summary>
    public string? OodPath { get; init; } = "data/stance-ood.csv";

    /// <summary>Development file for choosing settings; evaluated and split by <see cref="GroupColumn"/>; null to skip.</summary>
    public string? DevPath { get; init; } = "data/stance-dev.csv";

    /// <summary>Column of the dev file whose groups get figures of their own (skipped when the file has no such column).</summary>
    public string GroupColumn { get; init; } = "register";

    /// <summary>Where to write the misclassified test and out-of-domain rows; null for none.</summary>
    public string? MisclassifiedPath { get; init; }

    /// <summary>Bake the temperature fitted on out-of-fold predictions into the saved model's Score.</summary>
    public bool Calibrate { get; init; }

    public string ModelPath { get; init; } = "models/stance.zip";

    /// <summary>Also write the model as ONNX here; null for none.</summary>
    public string? OnnxPath { get; init; }
    public string TextColumn { get; init; } = "text";
    public string LabelColumn { get; init; } = "label";

    /// <summary>Null means rank every trainer by cross-validated macro-F1 and keep the best.</summary>
    public TrainerKind? Trainer { get; init; } = TrainerKind.Lbfgs;

    public TrainingOptions Training { get; init; } = new();

    /// <summary>Labels that differ only in case or surrounding spaces are an error rather than merged with a warning.</summary>
    public bool StrictLabels { get; init; }
}

/// <summary>What a training run produced.</summary>
public sealed record TrainingJobResult(ModelCard Card, TrainedModel Model, IReadOnlyList<LabeledExample> TestRows);

/// <summary>
/// Reads the data, cross-validates (every trainer for auto), fits on all rows, evaluates on the test
/// and out-of-domain files, measures calibration, then saves the zip and its card atomically.
/// Progress and tables go to <c>log</c>.
/// </summary>
public static class TrainingJob
{
    public static TrainingJobResult Run(TrainingJobOptions job, TextWriter log)
    {
        // Fail before minutes of training, not after: no output may be an input (compared as files), or a device.
        SafePaths.Check(
            [(job.DataPath, "training data"), (job.TestPath, "test file"), (job.OodPath, "out-of-domain file")],
            [(job.ModelPath, "model"), (ModelCard.PathFor(job.ModelPath), "model card"), (job.OnnxPath, "ONNX model"), (job.MisclassifiedPath, "misclassified rows CSV")]);
        foreach (var note in StaleTemporaryFiles.Sweep([job.ModelPath, job.OnnxPath, job.MisclassifiedPath])) log.WriteLine(note);
        using var inputs = SafePaths.ProtectInputs([job.DataPath, job.TestPath, job.OodPath]);
        AtomicFile.EnsureWritableFolder(job.ModelPath, "model");
        if (job.OnnxPath is not null) AtomicFile.EnsureWritableFolder(job.OnnxPath, "ONNX model");
        if (job.MisclassifiedPath is not null) AtomicFile.EnsureWritableFolder(job.MisclassifiedPath, "misclassified rows CSV");
        var train = LabeledCsv.Read(job.DataPath, job.TextColumn, job.LabelColumn);
        var test = job.TestPath is null ? null : LabeledCsv.Read(job.TestPath, job.TextColumn, job.LabelColumn);
        var ood = job.OodPath is null ? null : LabeledCsv.Read(job.OodPath, job.TextColumn, job.LabelColumn);
        (train, test, ood) = Clean(job, train, test, ood, log);
        var dev = job.DevPath is null ? null : LabeledCsv.Read(job.DevPath, job.TextColumn, job.LabelColumn, job.GroupColumn);
        ReportRead(log, train);
        if (test is not null) ReportRead(log, test);
        if (ood is not null) ReportRead(log, ood);
        if (dev is not null) ReportRead(log, dev);

        var options = job.Training;
        try
        {
            if (options.Features.Set.UsesEmbeddings())
            {
                // Every text is encoded once, in batches; folds, the final fit and evaluation hit the cache.
                var watch0 = Stopwatch.StartNew();
                var before = SentenceEmbedder.EncodedCount;
                SentenceEmbedder.Prime(new[] { train, test, ood, dev }.OfType<LabeledData>().SelectMany(d => d.Rows).Select(r => r.Text), options.Features.EmbeddingsPrecision);
                log.WriteLine($"Encoded {SentenceEmbedder.EncodedCount - before:N0} distinct texts with all-MiniLM-L6-v2 ({options.Features.EmbeddingsPrecision.Name()}) in {watch0.Elapsed.TotalSeconds:0.0} s.");
            }
            return Train(job, options, train, test, ood, dev, log);
        }
        catch (ClassifierException e) when (e.Kind == FailureKind.BadInput && !e.Message.StartsWith(train.Path, StringComparison.Ordinal)
                                            && (test is null || !e.Message.StartsWith(test.Path, StringComparison.Ordinal))
                                            && (ood is null || !e.Message.StartsWith(ood.Path, StringComparison.Ordinal)))
        {
            // The trainer's own checks (too few labels or rows per fold) are about the training file: name it.
            throw ClassifierException.Input($"{train.Path}: {e.Message}", e);
        }
        finally
        {
            SentenceEmbedder.ClearCache();
        }
    }

    private static TrainingJobResult Train(TrainingJobOptions job, TrainingOptions options, LabeledData train, LabeledData? test, LabeledData? ood, LabeledData? dev, TextWriter log)
    {
        List<LeaderboardEntry>? leaderboard = null;
        CrossValidationSummary cv;
        float[][] outOfFold;
        if (job.Trainer is { } chosen)
        {
            options = options with { Trainer = chosen };
            log.WriteLine($"Cross-validating {chosen.Name()} on {options.Features.Set.Name()} over {options.Folds} stratified folds (seed {options.Seed})...");
            outOfFold = new float[train.Rows.Count][];
            cv = ModelTrainer.CrossValidate(train.Rows, options, outOfFold: outOfFold).Summary;
        }
        else
        {
            (options, cv, leaderboard, outOfFold) = RankTrainers(train.Rows, options, log);
        }

        log.WriteLine();
        log.WriteLine($"Cross-validation, {options.Trainer.Name()}, {options.Folds} folds (mean ± sd), {cv.Seconds:0.0} s:");
        log.Write(MetricsTables.PerClass(cv));
        log.WriteLine("Confusion matrix summed over folds (rows = truth, columns = predicted):");
        log.Write(MetricsTables.Confusion(cv.Labels, cv.ConfusionMatrix));

        var watch = Stopwatch.StartNew();
        var model = ModelTrainer.Fit(train.Rows, options);
        log.WriteLine($"Fitted {options.Trainer.Name()} on all {train.Rows.Count:N0} rows in {watch.Elapsed.TotalSeconds:0.0} s.");

        // Temperature from out-of-fold predictions: rows the fold models never trained on, so the fit is honest.
        var trainTruth = Truth(train.Rows, model.Labels);
        var temperature = TemperatureScaling.Fit(trainTruth, outOfFold);
        var figures = new List<CalibrationFigures> { Figures("cross-validation (out-of-fold)", trainTruth, outOfFold, temperature) };
        if (job.Calibrate) model = model with { Transformer = TemperatureCalibrator.Append(model.Transformer, temperature) };

        // The saved model's own probabilities (calibrated when it is); "before" figures undo nothing, they come from T = 1.
        var testScored = Evaluate(model, test, "Held-out test file", log);
        var oodScored = Evaluate(model, ood, "Out-of-domain file", log);
        var devScored = Evaluate(model, dev, "Development file", log);
        IReadOnlyList<GroupMetrics>? devGroups = null;
        if (dev?.Groups is { } groups && devScored is not null)
        {
            devGroups = GroupMetrics.Compute(model.Labels, Truth(dev.Rows, model.Labels), devScored.Value.Probabilities, groups);
            log.WriteLine($"Development file by {dev.GroupColumn} (macro-F1 over the labels each group holds):");
            log.Write(MetricsTables.Groups(dev.GroupColumn!, devGroups));
        }
        foreach (var (data, scored) in new[] { (test, testScored), (ood, oodScored) })
        {
            if (data is null || scored is null) continue;
            var truth = Truth(data.Rows, model.Labels);
            var raw = job.Calibrate ? TemperatureScaling.Apply(scored.Value.Probabilities, 1 / temperature) : scored.Value.Probabilities;
            figures.Add(Figures(data.Path, truth, raw, temperature));
        }
        var calibration = new CalibrationInfo("temperature", temperature, job.Calibrate, "cross-validation out-of-fold predictions", CalibrationError.DefaultBins, figures);
        log.WriteLine();
        log.WriteLine($"Calibration: temperature {temperature:0.000} fitted on out-of-fold predictions ({(job.Calibrate ? "applied in the saved model" : "not applied; --calibrate temperature applies it")}):");
        log.Write(CalibrationTable(figures));

        if (job.MisclassifiedPath is not null)
        {
            var files = new[] { (test, testScored), (ood, oodScored) }
                .Where(x => x.Item1 is not null && x.Item2 is not null)
                .Select(x => new ScoredFile(x.Item1!.Path, x.Item1.Rows, x.Item2!.Value.Probabilities));
            var count = MisclassifiedRows.Write(job.MisclassifiedPath, model.Labels, files);
            log.WriteLine($"Wrote {count:N0} misclassified rows to {job.MisclassifiedPath}.");
        }

        // ONNX first: a model the converter cannot export fails the run before the zip is replaced.
        long? onnxBytes = job.OnnxPath is null ? null : OnnxExport.Export(model.Transformer, job.OnnxPath, job.ModelPath);
        // The saved model's own confidence: calibrated out-of-fold probabilities when it is calibrated.
        var drift = DriftBaselines.Build(train, job.Calibrate ? TemperatureScaling.Apply(outOfFold, temperature) : outOfFold, model.Labels, options.Features, job.ModelPath, options.Seed);
        ModelCard card = null!;
        // The zip and its card are one unit: the card records the zip's SHA-256 and both are committed together.
        var (bytes, sha) = ModelStore.SaveWithCard(model, job.ModelPath, (zipBytes, _) => card = new ModelCard
        {
            Labels = model.Labels,
            Trainer = options.Trainer.Name(),
            TrainerSettings = TrainerCatalog.Settings(options.Trainer, options.L2),
            FeatureSet = options.Features.Set.Name(),
            Features = options.Features.Describe(),
            FeatureSettings = options.Features,
            Training = Describe(train),
            Test = test is null ? null : Describe(test),
            CrossValidation = cv,
            TestMetrics = testScored?.Report,
            Ood = ood is null ? null : Describe(ood),
            OodMetrics = oodScored?.Report,
            Dev = dev is null ? null : Describe(dev),
            DevMetrics = devScored?.Report,
            DevGroupColumn = devGroups is null ? null : dev!.GroupColumn,
            DevByGroup = devGroups,
            Calibration = calibration,
            Leaderboard = leaderboard,
            // The saved model's probabilities: temperature-scaled when it is calibrated.
            Quantification = QuantificationStats.FromOutOfFold(model.Labels, trainTruth, job.Calibrate ? TemperatureScaling.Apply(outOfFold, temperature) : outOfFold, options.Folds),
            Drift = drift,
            Seed = options.Seed,
            MlNetVersion = MlNetVersion(),
            CreatedUtc = DateTimeOffset.UtcNow,
            ModelBytes = zipBytes,
        });
        card = card with { ModelSha256 = sha };
        log.WriteLine();
        log.WriteLine($"Saved {job.ModelPath} ({bytes / 1024.0:N0} KiB) and {ModelCard.PathFor(job.ModelPath)} (with the out-of-fold error rates of {card.Quantification!.Rows.Count:N0} rows, for --shares).");
        if (onnxBytes is not null) log.WriteLine($"Saved {job.OnnxPath} ({onnxBytes / 1024.0:N0} KiB, ONNX).");
        return new TrainingJobResult(card, model, test?.Rows ?? []);
    }

    /// <summary>Label spellings folded (or refused with --strict-labels) and exact duplicate training rows removed, each with a warning.</summary>
    private static (LabeledData Train, LabeledData? Test, LabeledData? Ood) Clean(TrainingJobOptions job, LabeledData train, LabeledData? test, LabeledData? ood, TextWriter log)
    {
        var files = new[] { train, test, ood }.OfType<LabeledData>().ToArray();
        var (folded, merges) = TrainingDataHygiene.FoldLabels(files);
        if (merges.Count > 0)
        {
            var listed = string.Join("; ", merges.Select(m => m.Describe()));
            if (job.StrictLabels)
                throw ClassifierException.Input($"{train.Path}: column '{job.LabelColumn}': labels differ only in case or surrounding spaces: {listed}; make them one spelling, or drop --strict-labels to merge them.");
            log.WriteLine($"warning: labels that differ only in case or surrounding spaces were merged (kept the spelling most training rows use): {string.Join("; ", merges.Select(m => $"'{m.Kept}' from {m.Describe()}"))}.");
        }
        var i = 0;
        train = folded[i++];
        if (test is not null) test = folded[i++];
        if (ood is not null) ood = folded[i];
        var (unique, removed) = TrainingDataHygiene.RemoveExactDuplicates(train);
        if (removed > 0)
            log.WriteLine($"warning: {train.Path}: removed {removed:N0} exact duplicate row{(removed == 1 ? "" : "s")} (same text and label) before cross-validation; a row in both a training fold and its test fold inflates the figures.");
        return (unique, test, ood);
    }

    private static (EvaluationReport Report, IReadOnlyList<float[]> Probabilities)? Evaluate(TrainedModel model, LabeledData? data, string what, TextWriter log)
    {
        if (data is null) return null;
        var scored = ModelTrainer.Score(model.Transformer, data.Rows, model.Labels, data.Path);
        log.WriteLine();
        log.WriteLine($"{what} {data.Path} ({data.Rows.Count:N0} rows):");
        log.Write(MetricsTables.PerClass(scored.Report));
        log.Write(MetricsTables.Confusion(scored.Report.Labels, scored.Report.ConfusionMatrix));
        return scored;
    }

    private static int[] Truth(IReadOnlyList<LabeledExample> rows, IReadOnlyList<string> labels)
    {
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        return rows.Select(r => index[r.Label]).ToArray();
    }

    private static CalibrationFigures Figures(string file, IReadOnlyList<int> truth, IReadOnlyList<float[]> raw, double temperature)
    {
        var scaled = TemperatureScaling.Apply(raw, temperature);
        return new CalibrationFigures(file, truth.Count,
            CalibrationError.Expected(truth, raw), CalibrationError.Expected(truth, scaled),
            TemperatureScaling.LogLoss(truth, raw, 1), TemperatureScaling.LogLoss(truth, scaled, 1));
    }

    private static string CalibrationTable(IEnumerable<CalibrationFigures> figures)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var table = new ConsoleTables.ConsoleTable("data", "rows", "ECE before", "ECE after", "log-loss before", "log-loss after");
        table.Configure(o => o.EnableCount = false);
        foreach (var f in figures)
        {
            table.AddRow(f.File, f.Rows, f.EceBefore.ToString("0.000", inv), f.EceAfter.ToString("0.000", inv),
                f.LogLossBefore.ToString("0.000", inv), f.LogLossAfter.ToString("0.000", inv));
        }
        return table.ToString();
    }

    private static (TrainingOptions Best, CrossValidationSummary Cv, List<LeaderboardEntry> Board, float[][] OutOfFold) RankTrainers(
        IReadOnlyList<LabeledExample> rows, TrainingOptions options, TextWriter log)
    {
        var results = new List<(TrainingOptions Options, CrossValidationSummary Cv, float[][] OutOfFold)>();
        foreach (var kind in TrainerKinds.All)
        {
            log.WriteLine($"auto: cross-validating {kind.Name()} over {options.Folds} stratified folds...");
            var candidate = options with { Trainer = kind };
            var outOfFold = new float[rows.Count][];
            results.Add((candidate, ModelTrainer.CrossValidate(rows, candidate, outOfFold: outOfFold).Summary, outOfFold));
        }
        // Ties go to the earlier (simpler, faster) trainer: OrderByDescending is stable.
        var ranked = results.OrderByDescending(r => r.Cv.MacroF1.Mean).ToList();
        var board = ranked.Select(r => new LeaderboardEntry(r.Options.Trainer.Name(), r.Cv.MacroF1, r.Cv.Accuracy, r.Cv.LogLoss, r.Cv.Seconds)).ToList();
        log.WriteLine();
        log.WriteLine("Leaderboard (cross-validated, best first):");
        log.Write(MetricsTables.Leaderboard(board));
        return (ranked[0].Options, ranked[0].Cv, board, ranked[0].OutOfFold);
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
