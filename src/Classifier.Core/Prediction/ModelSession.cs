using Classifier.Core.Contract;
using Classifier.Core.Features;
using Classifier.Core.Scoring;
using Classifier.Core.Insight.Explain;
using Classifier.Core.Model;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace Classifier.Core.Prediction;

/// <summary>
/// One loaded model with its own pool of prediction engines. A reload builds a new session and swaps
/// the reference; callers that already hold the old session finish on it, and it is collected once
/// nobody does (engines hold no unmanaged resources, so there is nothing to dispose early).
/// </summary>
internal sealed class ModelSession
{
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly string[] _labels;
    private readonly ObjectPool<PredictionEngine<TextInput, ModelOutput>> _engines;

    // Built on first use: reading the weights costs time most sessions never need to spend.
    private readonly Lazy<ModelExplainer> _explainer;

    // Sentence-embedding models only: batches go through the compiled form, whose encoder runs ONNX
    // Runtime on whole batches (a data view would encode row by row). Started at load, in the background.
    private readonly Lazy<BatchScorer>? _batchScorer;

    private ModelSession(MLContext ml, LoadedModel model, StanceModelInfo info, int maxPooledEngines)
    {
        _ml = ml;
        _transformer = model.Transformer;
        _labels = [.. model.Labels];
        Info = info;
        _engines = new DefaultObjectPool<PredictionEngine<TextInput, ModelOutput>>(new EnginePolicy(ml, model.Transformer), maxPooledEngines);
        _explainer = new Lazy<ModelExplainer>(() => ModelExplainer.For(model));
        if (UsesSentenceVectors(model))
            _batchScorer = new Lazy<BatchScorer>(() => new BatchScorer(model, ScoringEngine.Auto), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private static bool UsesSentenceVectors(LoadedModel model) =>
        SentenceEmbeddings.Current is { } embeddings && model.OutputSchema.Any(c => embeddings.VectorsFor(c.Name) is not null);

    public StanceModelInfo Info { get; }

    /// <summary>Checks the zip's bytes (<see cref="ModelStore.Load(Stream, string, MLContext?)"/>) and builds a session on them.</summary>
    public static ModelSession Create(byte[] zip, string source, ModelCard? card, int generation, int maxPooledEngines, long maxExpandedBytes = long.MaxValue)
    {
        var ml = new MLContext();
        using var stream = new MemoryStream(zip, writable: false);
        var model = ModelStore.Load(stream, source, maxExpandedBytes, ml);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(zip));
        // A card written for another zip (a save killed between the two files, a copied zip) is reported and ignored.
        var status = ModelPair.Check(card, sha);
        var info = new StanceModelInfo(source, sha, model.Labels, status == CardStatus.Mismatched ? null : card, DateTimeOffset.UtcNow, generation)
        {
            CardStatus = status,
            CardNote = ModelPair.Note(status, Path.GetFileName(source), card, sha),
        };
        var session = new ModelSession(ml, model, info, maxPooledEngines);
        try
        {
            // One prediction now, so a model that loads but cannot run fails at load, not at the first caller.
            session.Predict("");
        }
        catch (Exception e)
        {
            throw ClassifierException.Model($"{source}: the model loads but fails on a test prediction ({ClassifierException.FirstLine(e.Message)}).", e);
        }
        if (session._batchScorer is { } batch) _ = Task.Run(() => batch.Value);
        return session;
    }

    public StancePrediction Predict(string text)
    {
        var engine = _engines.Get();
        try
        {
            return ToPrediction(engine.Predict(new TextInput { Text = text }));
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    /// <summary>Why the model labels <paramref name="text"/> as it does (linear models only; BadModel otherwise).</summary>
    public Explanation Explain(string text, int top) => _explainer.Value.Explain(text, top);

    /// <summary>Scores all texts in one pass over a data view (no engine per row).</summary>
    public IReadOnlyList<StancePrediction> PredictBatch(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0) return [];
        if (_batchScorer is not null) return PredictBatched(_batchScorer.Value, texts);
        var view = _ml.Data.LoadFromEnumerable(texts.Select(t => new TextInput { Text = t }));
        var scored = _transformer.Transform(view);
        return _ml.Data.CreateEnumerable<ModelOutput>(scored, reuseRowObject: false).Select(ToPrediction).ToArray();
    }

    private IReadOnlyList<StancePrediction> PredictBatched(BatchScorer scorer, IReadOnlyList<string> texts)
    {
        var scored = scorer.Score(texts);
        var predictions = new StancePrediction[scored.Count];
        for (var i = 0; i < predictions.Length; i++)
        {
            var probabilities = new Dictionary<string, float>(_labels.Length, StringComparer.Ordinal);
            var row = scored.ProbabilitiesOf(i);
            for (var k = 0; k < _labels.Length; k++) probabilities[_labels[k]] = row[k];
            predictions[i] = new StancePrediction(_labels[scored.Predicted[i]], scored.Confidence(i), probabilities.AsReadOnly());
        }
        return predictions;
    }

    private StancePrediction ToPrediction(ModelOutput output)
    {
        var probabilities = new Dictionary<string, float>(_labels.Length, StringComparer.Ordinal);
        for (var i = 0; i < _labels.Length; i++) probabilities[_labels[i]] = output.Score[i];
        var confidence = probabilities.TryGetValue(output.PredictedLabel, out var p) ? p : output.Score.Max();
        return new StancePrediction(output.PredictedLabel, confidence, probabilities.AsReadOnly());
    }

    private sealed class EnginePolicy(MLContext ml, ITransformer transformer) : PooledObjectPolicy<PredictionEngine<TextInput, ModelOutput>>
    {
        public override PredictionEngine<TextInput, ModelOutput> Create() =>
            ml.Model.CreatePredictionEngine<TextInput, ModelOutput>(transformer);

        public override bool Return(PredictionEngine<TextInput, ModelOutput> engine) => true;
    }
}
