using Classifier.Core.Contract;
using Classifier.Core.Features;
using Classifier.Core.Model;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Classifier.Core.Insight.Explain;

/// <summary>
/// Explains a linear model's prediction from its weights: each feature present in the text pushes
/// each label by weight × value. ML.NET's feature-contribution transform does not support
/// multiclass models, so this reads the weights of the model's linear predictor directly.
/// </summary>
internal sealed class ModelExplainer
{
    /// <summary>Name given to the share of character n-grams that overlap no word (spaces, punctuation).</summary>
    public const string BetweenWords = "(between words)";

    private readonly MLContext _ml = new();
    private readonly ITransformer _model;
    private readonly IReadOnlyList<string> _labels;
    private readonly string _featureColumn;
    private readonly float[][] _weights;
    private readonly IReadOnlyList<float> _biases;
    private string[]? _slotNames;

    private ModelExplainer(ITransformer model, IReadOnlyList<string> labels, string featureColumn, float[][] weights, IReadOnlyList<float> biases)
    {
        _model = model;
        _labels = labels;
        _featureColumn = featureColumn;
        _weights = weights;
        _biases = biases;
    }

    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The explainer of a loaded model; a clear BadModel error when its trainer has no linear weights.</summary>
    public static ModelExplainer For(LoadedModel model)
    {
        var predictor = FindPredictor(model.Transformer)
            ?? throw ClassifierException.Model($"{model.Path}: the model has no prediction step, so there are no weights to explain with.");
        if (predictor.Model is not LinearMulticlassModelParametersBase linear)
        {
            throw ClassifierException.Model(
                $"{model.Path}: the model's trainer ({predictor.Model.GetType().Name}) has no linear weights, so its predictions cannot be " +
                "explained word by word; retrain with --trainer sdca or --trainer lbfgs to explain them.");
        }

        VBuffer<float>[] weights = [];
        linear.GetWeights(ref weights, out var classes);
        if (classes != model.Labels.Count)
            throw ClassifierException.Model($"{model.Path}: the linear model has {classes} classes but the Score column names {model.Labels.Count} labels.");
        return new ModelExplainer(model.Transformer, model.Labels, predictor.FeatureColumnName,
            weights.Select(w => w.DenseValues().ToArray()).ToArray(), linear.GetBiases().ToArray());
    }

    /// <summary>Explains one text: per label, the features that pushed toward it and against it, strongest first.</summary>
    public Explanation Explain(string text, int top = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var (features, normalized, scores, predicted) = Featurize(text);
        var names = SlotNames();
        var k = _labels.Count;
        var present = features.Items().Where(x => x.Value != 0).ToArray();

        // push[c][i]: feature i's push toward label c, centred over labels.
        var push = new double[k][];
        for (var c = 0; c < k; c++) push[c] = new double[present.Length];
        for (var i = 0; i < present.Length; i++)
        {
            var (slot, value) = present[i];
            double mean = 0;
            for (var c = 0; c < k; c++) mean += (double)_weights[c][slot] * value;
            mean /= k;
            for (var c = 0; c < k; c++) push[c][i] = (double)_weights[c][slot] * value - mean;
        }

        var parsed = present.Select(p => (Slot: names[p.Key], Parsed: FeatureNames.Parse(names[p.Key]))).ToArray();
        var words = WordSpans(normalized);
        var meanBias = _biases.Average(b => (double)b);
        var result = new List<LabelExplanation>(k);
        for (var c = 0; c < k; c++)
        {
            var all = present.Select((p, i) => new Contribution(parsed[i].Parsed.Display, parsed[i].Parsed.Kind, p.Value, _weights[c][p.Key], push[c][i])).ToArray();
            result.Add(new LabelExplanation(
                _labels[c],
                scores[c],
                _biases[c] - meanBias,
                all.Where(x => x.Push > 0).OrderByDescending(x => x.Push).Take(top).ToArray(),
                all.Where(x => x.Push < 0).OrderBy(x => x.Push).Take(top).ToArray(),
                ByWord(normalized, words, parsed.Select(p => p.Slot).ToArray(), push[c])));
        }
        return new Explanation(text, predicted, result);
    }

    /// <summary>
    /// Sums pushes by word: a word's unigram plus its share of every character n-gram occurrence
    /// that overlaps it; word n-grams stay whole ("weaken encryption").
    /// </summary>
    private static IReadOnlyList<WordContribution> ByWord(string normalized, IReadOnlyList<(int Start, int End)> words, string[] slots, double[] push)
    {
        var fromWord = new Dictionary<string, double>(StringComparer.Ordinal);
        var fromChars = new Dictionary<string, double>(StringComparer.Ordinal);
        var marked = "\u0002" + normalized + "\u0003";
        for (var i = 0; i < slots.Length; i++)
        {
            var (kind, display) = FeatureNames.Parse(slots[i]);
            if (kind is FeatureKind.Word or FeatureKind.WordNgram)
            {
                Add(fromWord, display, push[i]);
                continue;
            }
            if (kind is not FeatureKind.Chars) continue;

            var chars = FeatureNames.RawChars(slots[i][(slots[i].IndexOf('.') + 1)..]);
            var starts = Occurrences(marked, chars);
            if (starts.Count == 0) continue;
            foreach (var start in starts)
            {
                // Positions in the marked text are one past those in the normalized text.
                var from = start - 1;
                var to = start - 1 + chars.Length;
                var overlapped = words.Where(w => w.Start < to && w.End > from).ToArray();
                var share = push[i] / starts.Count;
                if (overlapped.Length == 0)
                {
                    Add(fromChars, BetweenWords, share);
                    continue;
                }
                foreach (var w in overlapped) Add(fromChars, normalized[w.Start..w.End], share / overlapped.Length);
            }
        }

        return fromWord.Keys.Union(fromChars.Keys)
            .Select(w => new WordContribution(w, fromWord.GetValueOrDefault(w) + fromChars.GetValueOrDefault(w), fromWord.GetValueOrDefault(w), fromChars.GetValueOrDefault(w)))
            .OrderByDescending(w => w.Push)
            .ToArray();
    }

    private static void Add(Dictionary<string, double> sums, string key, double value) =>
        sums[key] = sums.GetValueOrDefault(key) + value;

    private static List<int> Occurrences(string text, string part)
    {
        var found = new List<int>();
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
            found.Add(at);
        return found;
    }

    /// <summary>The word tokens of the normalized text, split as the featurizer splits them.</summary>
    private static List<(int Start, int End)> WordSpans(string normalized)
    {
        var spans = new List<(int, int)>();
        var start = -1;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var separator = i == normalized.Length || Array.IndexOf(TextFeaturizer.WordSeparators, normalized[i]) >= 0;
            if (!separator && start < 0) start = i;
            if (separator && start >= 0)
            {
                spans.Add((start, i));
                start = -1;
            }
        }
        return spans;
    }

    private (VBuffer<float> Features, string Normalized, float[] Scores, string Predicted) Featurize(string text)
    {
        var view = _ml.Data.LoadFromEnumerable([new TextInput { Text = text }]);
        var scored = _model.Transform(view);
        var featureColumn = scored.Schema[_featureColumn];
        var normalizedColumn = scored.Schema.GetColumnOrNull("NormalizedText");
        var scoreColumn = scored.Schema[ModelSchema.Score];
        var predictedColumn = scored.Schema[ModelSchema.PredictedLabel];
        var columns = new List<DataViewSchema.Column> { featureColumn, scoreColumn, predictedColumn };
        if (normalizedColumn is { } n) columns.Add(n);

        using var cursor = scored.GetRowCursor(columns);
        cursor.MoveNext();
        VBuffer<float> features = default, scores = default;
        ReadOnlyMemory<char> predicted = default, normalized = default;
        cursor.GetGetter<VBuffer<float>>(featureColumn)(ref features);
        cursor.GetGetter<VBuffer<float>>(scoreColumn)(ref scores);
        cursor.GetGetter<ReadOnlyMemory<char>>(predictedColumn)(ref predicted);
        // Without the featurizer's NormalizedText column, fall back to the lower-cased text.
        if (normalizedColumn is { } nc) cursor.GetGetter<ReadOnlyMemory<char>>(nc)(ref normalized);
        var normalizedText = normalizedColumn is null ? text.ToLowerInvariant() : normalized.ToString();
        return (features, normalizedText, scores.DenseValues().ToArray(), predicted.ToString());
    }

    private string[] SlotNames()
    {
        if (_slotNames is not null) return _slotNames;
        var schema = _model.GetOutputSchema(_ml.Data.LoadFromEnumerable(Array.Empty<TextInput>()).Schema);
        var column = schema[_featureColumn];
        var size = column.Type is VectorDataViewType v ? v.Size : 0;
        var names = new string[size];
        if (column.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            column.GetSlotNames(ref buffer);
            var i = 0;
            foreach (var name in buffer.DenseValues()) names[i++] = name.ToString();
        }
        for (var i = 0; i < size; i++)
        {
            if (string.IsNullOrEmpty(names[i])) names[i] = $"feature #{i}";
        }
        return _slotNames = names;
    }

    private static ISingleFeaturePredictionTransformer<object>? FindPredictor(ITransformer transformer)
    {
        if (transformer is ISingleFeaturePredictionTransformer<object> predictor) return predictor;
        if (transformer is IEnumerable<ITransformer> chain)
        {
            foreach (var step in chain.Reverse())
            {
                if (FindPredictor(step) is { } found) return found;
            }
        }
        return null;
    }
}
