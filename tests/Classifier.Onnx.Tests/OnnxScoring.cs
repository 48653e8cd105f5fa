using Classifier.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Classifier.Onnx.Tests;

/// <summary>Scores texts with the exported model in ONNX Runtime, as a Python or Spark user would.</summary>
internal static class OnnxScoring
{
    /// <summary>Opens a session. The exported model needs no locale (the normalizer runs in "C"), so nothing is installed first.</summary>
    public static InferenceSession Open(string onnxPath) => new(onnxPath);

    public static (string[] Labels, float[][] Scores) Score(InferenceSession session, IReadOnlyList<string> texts)
    {
        var input = new DenseTensor<string>(texts.ToArray(), [texts.Count, 1]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
        var labels = results.Single(r => r.Name == OnnxExport.PredictedLabelOutput).AsTensor<string>();
        var scores = results.Single(r => r.Name == OnnxExport.ScoreOutput).AsTensor<float>();
        var width = (int)scores.Dimensions[1];
        return (
            Enumerable.Range(0, texts.Count).Select(i => labels[i, 0]).ToArray(),
            Enumerable.Range(0, texts.Count).Select(i => Enumerable.Range(0, width).Select(j => scores[i, j]).ToArray()).ToArray());
    }
}
