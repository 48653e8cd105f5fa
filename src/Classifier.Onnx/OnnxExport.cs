using Classifier.Core;
using Classifier.Core.Contract;
using Classifier.Core.IO;
using Classifier.Core.Model;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Onnx;

/// <summary>
/// Writes a text classifier as an ONNX model with Microsoft.ML.OnnxConverter, keeping only the
/// contract's outputs (PredictedLabel and Score) so consumers do not see the featurizer's columns.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX outputs kept.</summary>
    public static IReadOnlyList<string> OutputColumns { get; } = [ModelSchema.PredictedLabel, ModelSchema.Score];

    /// <summary>The ONNX input: a string tensor [batch, 1].</summary>
    public const string InputName = ModelSchema.Text;

    /// <summary>The converter names each output "&lt;column&gt;.output": a string tensor [batch, 1].</summary>
    public const string PredictedLabelOutput = ModelSchema.PredictedLabel + ".output";

    /// <summary>A float tensor [batch, labels], in the order of the model's Score slot names (LoadedModel.Labels).</summary>
    public const string ScoreOutput = ModelSchema.Score + ".output";

    /// <summary>Model metadata key whose value is the JSON array of label names, in Score column order.</summary>
    public const string ScoreLabelsKey = "score_labels";

    /// <summary>Exports a loaded model (see <see cref="Export(ITransformer, string, string)"/>) and returns the ONNX file's size in bytes.</summary>
    /// <param name="model">The model, from <see cref="ModelStore.Load(string, MLContext?)"/>.</param>
    /// <param name="onnxPath">The ONNX file to write.</param>
    public static long Export(LoadedModel model, string onnxPath) => Export(model.Transformer, onnxPath, model.Path);

    /// <summary>
    /// Exports a transformer that reads a single Text column. Written atomically: a transform the
    /// exporter does not support fails here, naming the model, and leaves no ONNX file behind.
    /// </summary>
    /// <param name="transformer">A text classifier that reads a single Text column.</param>
    /// <param name="onnxPath">The ONNX file to write (atomically; an existing file is replaced only on success).</param>
    /// <param name="source">The model's name in error messages.</param>
    /// <returns>The ONNX file's size in bytes.</returns>
    /// <exception cref="ClassifierException">BadModel when the converter cannot export a step of the model.</exception>
    public static long Export(ITransformer transformer, string onnxPath, string source = "model")
    {
        AtomicFile.EnsureWritableFolder(onnxPath, "ONNX model");
        var ml = new MLContext();
        // The exporter reads only the input's schema, so an empty view is enough.
        var input = ml.Data.LoadFromEnumerable(Array.Empty<TextInput>());
        byte[] bytes;
        try
        {
            var labels = ScoreSlots.LabelNames(transformer.GetOutputSchema(input.Schema));
            using var exported = new MemoryStream();
            ml.Model.ConvertToOnnx(transformer, input, exported, [.. OutputColumns]);
            bytes = OnnxGraphRepair.Apply(exported.ToArray());
            // ONNX Runtime shows this as custom metadata, so Python and Spark users can name the Score columns.
            bytes = OnnxGraphRepair.AddMetadata(bytes, ScoreLabelsKey, JsonSerializer.Serialize(labels));
        }
        catch (Exception e) when (e is not ClassifierException)
        {
            throw ClassifierException.Model($"{source}: cannot be exported to ONNX ({ClassifierException.FirstLine(e.Message)}).", e);
        }
        catch (ClassifierException e) when (e.Kind == FailureKind.BadModel && !e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw ClassifierException.Model($"{source}: {e.Message}", e);
        }
        AtomicFile.Write(onnxPath, stream => stream.Write(bytes));
        return bytes.LongLength;
    }
}
