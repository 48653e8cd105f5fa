using Classifier.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Classifier.Onnx.Tests;

/// <summary>Scores texts with the exported model in ONNX Runtime, as a Python or Spark user would.</summary>
internal static class OnnxScoring
{
    public const string LocaleHelp =
        "ONNX Runtime's StringNormalizer (the exported lower-casing step) needs the en_US.UTF-8 locale, which this machine lacks. " +
        "On Debian/Ubuntu: apt-get update && apt-get install -y locales && sed -i 's/^# *en_US.UTF-8/en_US.UTF-8/' /etc/locale.gen && locale-gen";

    /// <summary>Opens a session; a missing locale fails with the commands that fix it rather than ONNX Runtime's message alone.</summary>
    public static InferenceSession Open(string onnxPath)
    {
        try
        {
            return new InferenceSession(onnxPath);
        }
        catch (OnnxRuntimeException e) when (e.Message.Contains("locale", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{LocaleHelp}\n(ONNX Runtime said: {e.Message.Trim()})", e);
        }
    }

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
