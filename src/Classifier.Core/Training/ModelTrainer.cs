using System.Diagnostics;
using Classifier.Core.Contract;
using Classifier.Core.Data;
using Classifier.Core.Evaluation;
using Classifier.Core.Features;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Core.Training;

/// <summary>Fits, cross-validates and evaluates stance models.</summary>
public static class ModelTrainer
{
    /// <summary>
    /// Fits the model on all rows. The label is mapped to a key outside the saved chain, so the saved
    /// model reads the Text column alone; its last step turns the predicted key back into the name.
    /// With embeddings, the rows' vectors stay in the encoder's cache (so CV folds reuse them) until
    /// the cache is cleared (Classifier.Embeddings' <c>SentenceEmbedder.ClearCache</c>); the training program clears it when done.
    /// </summary>
    public static TrainedModel Fit(IReadOnlyList<LabeledExample> rows, TrainingOptions options)
    {
        var labels = CheckLabels(rows, minimumPerLabel: 1);
        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var keyed = LabelKeyMap(ml, labels).Fit(data).Transform(data);

        var features = TextFeaturizer.Build(ml, options.Features);
        if (options.Features.Set.UsesEmbeddings())
        {
            // Batch-encode once; the checkpoint stops each trainer pass from re-running the mapping.
            SentenceEmbeddings.Required($"--features {options.Features.Set.Name()}").Prime(rows.Select(r => r.Text), options.Features.EmbeddingsPrecision);
            features = features.AppendCacheCheckpoint(ml);
        }
        var chain = features
            .Append(TrainerCatalog.Create(ml, options.Trainer, options.L2))
            .Append(ml.Transforms.Conversion.MapKeyToValue(ModelSchema.PredictedLabel));
        var model = chain.Fit(keyed);

        var inputSchema = ml.Data.LoadFromEnumerable(Array.Empty<TextInput>()).Schema;
        return new TrainedModel(model, inputSchema, ScoreSlots.LabelNames(model.GetOutputSchema(inputSchema)));
    }

    /// <summary>Stratified K-fold cross-validation: features and model are refit on each fold's training part.</summary>
    /// <param name="rows">The labeled rows; folds are stratified by label and seeded by <see cref="TrainingOptions.Seed"/>.</param>
    /// <param name="options">Trainer, features, fold count and seed.</param>
    /// <param name="onFold">Called after each fold with its number (from 1) and figures, for progress.</param>
    /// <param name="outOfFold">When given (one slot per row), receives each row's probabilities from the fold model that did not train on it.</param>
    public static (CrossValidationSummary Summary, IReadOnlyList<EvaluationReport> Folds) CrossValidate(
        IReadOnlyList<LabeledExample> rows, TrainingOptions options, Action<int, EvaluationReport>? onFold = null, float[][]? outOfFold = null)
    {
        if (outOfFold is not null && outOfFold.Length != rows.Count) throw new ArgumentException("One out-of-fold slot per row is needed.", nameof(outOfFold));
        CheckLabels(rows, minimumPerLabel: options.Folds);
        var watch = Stopwatch.StartNew();
        if (options.Features.Set.UsesEmbeddings()) SentenceEmbeddings.Required($"--features {options.Features.Set.Name()}").Prime(rows.Select(r => r.Text), options.Features.EmbeddingsPrecision);
        // Near-duplicates (same TextKey) share a fold: one in training and one in test would inflate the figures.
        var assignment = StratifiedFolds.Assign(rows.Select(r => r.Label).ToArray(), rows.Select(r => TextKey.Of(r.Text)).ToArray(), options.Folds, options.Seed);
        var reports = new List<EvaluationReport>(options.Folds);
        for (var fold = 0; fold < options.Folds; fold++)
        {
            var train = rows.Where((_, i) => assignment[i] != fold).ToArray();
            var testIndices = Enumerable.Range(0, rows.Count).Where(i => assignment[i] == fold).ToArray();
            var test = testIndices.Select(i => rows[i]).ToArray();
            var model = Fit(train, options);
            var (report, probabilities) = Score(model.Transformer, test, model.Labels, source: null);
            if (outOfFold is not null)
            {
                for (var j = 0; j < testIndices.Length; j++) outOfFold[testIndices[j]] = probabilities[j];
            }
            reports.Add(report);
            onFold?.Invoke(fold, report);
        }
        return (CrossValidationSummary.From(reports, watch.Elapsed.TotalSeconds), reports);
    }

    /// <summary>Scores labeled rows and computes the figures. Labels the model never saw are an error.</summary>
    public static EvaluationReport Evaluate(ITransformer model, IReadOnlyList<LabeledExample> rows, IReadOnlyList<string> labels, string? source = null) =>
        Score(model, rows, labels, source).Report;

    /// <summary>As <see cref="Evaluate"/>, also returning each row's probabilities (for calibration and error analysis).</summary>
    public static (EvaluationReport Report, IReadOnlyList<float[]> Probabilities) Score(
        ITransformer model, IReadOnlyList<LabeledExample> rows, IReadOnlyList<string> labels, string? source = null)
    {
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var unknown = rows.Select(r => r.Label).Where(l => !index.ContainsKey(l)).Distinct().ToArray();
        if (unknown.Length > 0)
        {
            throw ClassifierException.Input(
                $"{source ?? "evaluation data"}: label(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))} are not among the model's labels ({string.Join(", ", labels)}).");
        }

        var probabilities = Predict(model, rows.Select(r => r.Text));
        return (EvaluationReport.Compute(labels, rows.Select(r => index[r.Label]).ToArray(), probabilities), probabilities);
    }

    /// <summary>The Score vector of each text, in the model's Score slot order.</summary>
    public static IReadOnlyList<float[]> Predict(ITransformer model, IEnumerable<string> texts)
    {
        var ml = new MLContext();
        var view = ml.Data.LoadFromEnumerable(texts.Select(t => new TextInput { Text = t }));
        var scored = model.Transform(view);
        return ml.Data.CreateEnumerable<ScoreOnly>(scored, reuseRowObject: false).Select(s => s.Score).ToArray();
    }

    private static IEstimator<ITransformer> LabelKeyMap(MLContext ml, IReadOnlyList<string> labels)
    {
        // Fixed key order (ordinal) whatever the row order, so Score slots are stable across runs.
        var keyData = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelValue { Label = l }));
        return ml.Transforms.Conversion.MapValueToKey(ModelSchema.LabelKey, nameof(LabeledExample.Label), keyData: keyData);
    }

    private static IReadOnlyList<string> CheckLabels(IReadOnlyList<LabeledExample> rows, int minimumPerLabel)
    {
        var counts = rows.GroupBy(r => r.Label, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Label: g.Key, Count: g.Count()))
            .ToArray();
        if (counts.Length < 2)
            throw ClassifierException.Input($"need at least two labels to train a classifier, found {counts.Length}{(counts.Length == 1 ? $" ('{counts[0].Label}')" : "")}.");
        var scarce = counts.Where(c => c.Count < minimumPerLabel).ToArray();
        if (scarce.Length > 0)
        {
            throw ClassifierException.Input(
                $"label(s) {string.Join(", ", scarce.Select(c => $"'{c.Label}' ({c.Count} rows)"))} have fewer rows than the {minimumPerLabel} folds: add rows or lower --folds.");
        }
        return counts.Select(c => c.Label).ToArray();
    }

    private sealed class LabelValue
    {
        public string Label { get; set; } = "";
    }

    private sealed class ScoreOnly
    {
        public float[] Score { get; set; } = [];
    }
}
