using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Core.Contract;

/// <summary>
/// Reads the label names of a model's Score vector from its slot names: Score follows the label
/// key order of training, which is not necessarily alphabetical, so never assume an order.
/// </summary>
internal static class ScoreSlots
{
    public static IReadOnlyList<string> LabelNames(DataViewSchema outputSchema)
    {
        var score = outputSchema.GetColumnOrNull(ModelSchema.Score)
            ?? throw ClassifierException.Model($"the model has no '{ModelSchema.Score}' output column.");
        if (score.Type is not VectorDataViewType { Size: > 0 } vector)
            throw ClassifierException.Model($"the model's '{ModelSchema.Score}' column is not a known-size vector.");
        if (score.Annotations.Schema.GetColumnOrNull("SlotNames") is null)
            throw ClassifierException.Model($"the model's '{ModelSchema.Score}' column has no slot names (label names).");

        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        var labels = names.DenseValues().Select(n => n.ToString()).ToArray();
        if (labels.Length != vector.Size || labels.Any(string.IsNullOrEmpty))
            throw ClassifierException.Model($"the model's '{ModelSchema.Score}' slot names do not name every label.");
        return labels;
    }
}
