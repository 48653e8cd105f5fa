using Microsoft.ML;

namespace Classifier.Core.Training;

/// <summary>A fitted model, the input schema it is saved with, and its labels in Score order.</summary>
public sealed record TrainedModel(ITransformer Transformer, DataViewSchema InputSchema, IReadOnlyList<string> Labels);
