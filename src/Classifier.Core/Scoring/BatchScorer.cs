using System.Collections.Concurrent;
using Classifier.Core.Compiled;
using Classifier.Core.Contract;
using Classifier.Core.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Core.Scoring;

/// <summary>The model's answers for a batch of texts: a predicted label index and a probability per label, per text.</summary>
internal sealed class BatchPredictions(int count, int labelCount)
{
    public int Count { get; } = count;

    public int LabelCount { get; } = labelCount;

    /// <summary>Index into the model's labels (Score slot order) of each text's PredictedLabel.</summary>
    public int[] Predicted { get; } = new int[count];

    /// <summary>Row-major probabilities: text i, label j at i * LabelCount + j.</summary>
    public float[] Probabilities { get; } = new float[count * labelCount];

    public ReadOnlySpan<float> ProbabilitiesOf(int i) => Probabilities.AsSpan(i * LabelCount, LabelCount);

    public float Confidence(int i) => Probabilities[i * LabelCount + Predicted[i]];
}

/// <summary>
/// Scores batches of texts, with the model's <see cref="CompiledModel"/> when it has one (same
/// probabilities, several times faster) or with <c>model.Transform</c>. Thread-safe: each concurrent
/// caller takes its own lane (ML.NET: a source view and its transformed view, built once; compiled:
/// a workspace), so batches can be scored on every core while the model itself is shared.
/// </summary>
internal sealed class BatchScorer
{
    private readonly ITransformer transformer;
    private readonly CompiledModel? compiled;
    private readonly ConcurrentBag<Lane> lanes = [];
    private readonly ConcurrentBag<CompiledModel.Workspace> workspaces = [];

    public BatchScorer(LoadedModel model, ScoringEngine engine = ScoringEngine.Auto)
    {
        transformer = model.Transformer;
        Labels = model.Labels;
        ModelPath = model.Path;
        if (engine != ScoringEngine.MlNet)
        {
            var result = ModelCompiler.TryCompile(model);
            compiled = result.Model;
            EngineNote = result.Reason;
            if (compiled is null && engine == ScoringEngine.Compiled)
                throw ClassifierException.Model($"{model.Path}: the model cannot be compiled: {result.Reason}; score it with --engine mlnet.");
        }
        // Fails here, naming the model, if it needs more than the Text column.
        try
        {
            transformer.GetOutputSchema(TextBatchDataView.TextSchema);
        }
        catch (Exception e)
        {
            throw ClassifierException.Model($"{model.Path}: the model cannot score a '{ModelSchema.Text}' column alone ({ClassifierException.FirstLine(e.Message)}).", e);
        }
    }

    public IReadOnlyList<string> Labels { get; }

    public string ModelPath { get; }

    /// <summary>"compiled" or "ml.net": what scores the batches.</summary>
    public string Engine => compiled is null ? "ml.net" : "compiled";

    /// <summary>Why the model was not compiled (null when it was, or when ML.NET was asked for).</summary>
    public string? EngineNote { get; }

    /// <summary>Scores the first <paramref name="count"/> texts of <paramref name="texts"/>; none may be null.</summary>
    public BatchPredictions Score(string[] texts, int count)
    {
        if (compiled is not null) return ScoreCompiled(compiled, texts, count);
        if (!lanes.TryTake(out var lane)) lane = new Lane(transformer, Labels);
        try
        {
            return lane.Score(texts, count);
        }
        finally
        {
            lanes.Add(lane);
        }
    }

    private BatchPredictions ScoreCompiled(CompiledModel model, string[] texts, int count)
    {
        if (!workspaces.TryTake(out var work)) work = model.CreateWorkspace();
        try
        {
            var result = new BatchPredictions(count, Labels.Count);
            // A both model: the batch's sentence vectors first, in batches through the registered encoder.
            var vectors = model.SentenceVectors;
            var dimension = vectors?.Dimension ?? 0;
            var embedded = vectors is null ? [] : new float[count * dimension];
            vectors?.Embed(texts, count, embedded);
            for (var i = 0; i < count; i++)
                result.Predicted[i] = model.Score(texts[i], embedded.AsSpan(i * dimension, dimension), result.Probabilities.AsSpan(i * Labels.Count, Labels.Count), work);
            return result;
        }
        finally
        {
            workspaces.Add(work);
        }
    }

    public BatchPredictions Score(IReadOnlyList<string> texts)
    {
        var array = texts as string[] ?? [.. texts];
        return Score(array, array.Length);
    }

    private sealed class Lane
    {
        private readonly TextBatchDataView source = new();
        private readonly IDataView scored;
        private readonly DataViewSchema.Column score;
        private readonly DataViewSchema.Column predicted;
        private readonly string[] labels;

        public Lane(ITransformer transformer, IReadOnlyList<string> labels)
        {
            scored = transformer.Transform(source);
            score = scored.Schema[ModelSchema.Score];
            predicted = scored.Schema[ModelSchema.PredictedLabel];
            this.labels = [.. labels];
        }

        public BatchPredictions Score(string[] texts, int count)
        {
            source.Reset(texts, count);
            var result = new BatchPredictions(count, labels.Length);
            using var cursor = SingleThreadCursor.Open(scored, [score, predicted]);
            var getScore = cursor.GetGetter<VBuffer<float>>(score);
            var getPredicted = cursor.GetGetter<ReadOnlyMemory<char>>(predicted);
            VBuffer<float> values = default;
            ReadOnlyMemory<char> label = default;
            var i = 0;
            while (cursor.MoveNext())
            {
                getScore(ref values);
                values.CopyTo(result.Probabilities, i * labels.Length);
                getPredicted(ref label);
                result.Predicted[i] = IndexOf(label.Span, result.ProbabilitiesOf(i));
                i++;
            }
            source.Reset([], 0);
            return result;
        }

        private int IndexOf(ReadOnlySpan<char> label, ReadOnlySpan<float> probabilities)
        {
            for (var j = 0; j < labels.Length; j++)
            {
                if (label.SequenceEqual(labels[j])) return j;
            }
            // A label missing from the slot names cannot happen for a checked model; fall back to the argmax.
            return Evaluation.EvaluationReport.ArgMax(probabilities);
        }
    }
}
