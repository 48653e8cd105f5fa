using System.Globalization;
using Classifier.Core.Contract;
using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace Classifier.Core.Calibration;

/// <summary>
/// Bakes temperature scaling into a fitted model with stock ML.NET transforms, so anyone who loads the
/// zip (plain Microsoft.ML included) gets the calibrated Score: Score ← p^(1/T) (Expression), then
/// Score ← Score / ΣScore (L1 normalization). Both keep the Score slot names (the label names), and
/// PredictedLabel is untouched because the top label does not change.
/// Caveat: these two transforms have no ONNX exporter, so a calibrated model cannot be exported to ONNX.
/// </summary>
internal static class TemperatureCalibrator
{
    public static ITransformer Append(ITransformer model, double temperature)
    {
        var ml = new MLContext();
        var exponent = (1.0 / temperature).ToString("R", CultureInfo.InvariantCulture);
        var scaling = ml.Transforms.Expression(ModelSchema.Score, $"x => exp(log(x) * {exponent}f)", ModelSchema.Score)
            .Append(ml.Transforms.NormalizeLpNorm(ModelSchema.Score, ModelSchema.Score, norm: LpNormNormalizingEstimatorBase.NormFunction.L1));
        // Neither transform learns anything: fitting on the empty scored view only binds the schema.
        var scored = model.Transform(ml.Data.LoadFromEnumerable(Array.Empty<TextInput>()));
        return model.Append(scaling.Fit(scored));
    }
}
