using Microsoft.ML;

namespace Classifier.Core.Training;

/// <summary>A fitted model, the input schema it is saved with, and its labels in Score order.</summary>
/// <param name="Transformer">The fitted ML.NET chain; it reads a Text column alone.</param>
/// <param name="InputSchema">The input schema to save it with.</param>
/// <param name="Labels">Label names in Score slot order.</param>
public sealed record TrainedModel(ITransformer Transformer, DataViewSchema InputSchema, IReadOnlyList<string> Labels);
