using Classifier.Core.Contract;
using Microsoft.ML.Data;

namespace Classifier.Core.Prediction;

/// <summary>The two output columns a prediction reads; ML.NET fills it by column name.</summary>
internal sealed class ModelOutput
{
    [ColumnName(ModelSchema.PredictedLabel)]
    public string PredictedLabel { get; set; } = "";

    [ColumnName(ModelSchema.Score)]
    public float[] Score { get; set; } = [];
}
