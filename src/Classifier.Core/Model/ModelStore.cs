using Classifier.Core.Contract;
using Classifier.Core.Features;
using Classifier.Core.IO;
using Classifier.Core.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Core.Model;

/// <summary>A loaded model with the label names read from its Score slots.</summary>
public sealed record LoadedModel(ITransformer Transformer, DataViewSchema InputSchema, DataViewSchema OutputSchema, IReadOnlyList<string> Labels, string Path);

/// <summary>Saves and loads model zips; both checked, both atomic.</summary>
public static class ModelStore
{
    public static long Save(TrainedModel model, string path)
    {
        var ml = new MLContext();
        AtomicFile.Write(path, stream => ml.Model.Save(model.Transformer, model.InputSchema, stream));
        return new FileInfo(path).Length;
    }

    public static void SaveCard(ModelCard card, string modelPath) =>
        AtomicFile.Write(ModelCard.PathFor(modelPath), stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(card.ToJson());
            writer.Write('\n');
        });

    /// <summary>
    /// Loads a model zip and checks it is a text classifier: a Text input and a Score output with label
    /// slot names. Fails here, with the path, rather than at the first prediction.
    /// </summary>
    public static LoadedModel Load(string path, MLContext? ml = null)
    {
        if (!File.Exists(path)) throw ClassifierException.Model($"{path}: model file not found.");
        Stream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ClassifierException.Model($"{path}: cannot read the model file ({ClassifierException.FirstLine(e.Message)}).", e);
        }
        using (stream) return Load(stream, path, ml);
    }

    /// <summary>
    /// Loads and checks a model zip from a stream (an embedded resource, a download);
    /// <paramref name="name"/> stands for the path in error messages.
    /// </summary>
    public static LoadedModel Load(Stream stream, string name, MLContext? ml = null)
    {
        // Embeddings models name a CustomMapping that ML.NET finds only in registered assemblies;
        // the implementation, when the app references it, registers its own.
        ml ??= new MLContext();
        var embeddings = SentenceEmbeddings.Current;
        embeddings?.RegisterWith(ml);
        ITransformer transformer;
        DataViewSchema inputSchema;
        try
        {
            transformer = ml.Model.Load(stream, out inputSchema);
        }
        catch (Exception e) when (e is not ClassifierException)
        {
            if (embeddings is null && Mentions(e, SentenceEmbeddings.MappingContract))
                throw ClassifierException.Model(SentenceEmbeddings.MissingForModel(name), e);
            throw ClassifierException.Model($"{name}: not a readable ML.NET model zip ({ClassifierException.FirstLine(e.Message)}).", e);
        }
        return Check(transformer, inputSchema, name);
    }

    public static LoadedModel Check(ITransformer transformer, DataViewSchema? inputSchema, string path)
    {
        if (inputSchema?.GetColumnOrNull(ModelSchema.Text) is not { } text || text.Type is not TextDataViewType)
            throw ClassifierException.Model($"{path}: the model has no '{ModelSchema.Text}' text input column, so it is not a text classifier.");

        DataViewSchema output;
        try
        {
            output = transformer.GetOutputSchema(inputSchema);
        }
        catch (Exception e)
        {
            throw ClassifierException.Model($"{path}: the model cannot run on a '{ModelSchema.Text}' column alone ({ClassifierException.FirstLine(e.Message)}).", e);
        }

        IReadOnlyList<string> labels;
        try
        {
            labels = ScoreSlots.LabelNames(output);
        }
        catch (ClassifierException e)
        {
            throw ClassifierException.Model($"{path}: {e.Message}", e);
        }

        if (output.GetColumnOrNull(ModelSchema.PredictedLabel) is not { } predicted || predicted.Type is not TextDataViewType)
            throw ClassifierException.Model($"{path}: the model has no text '{ModelSchema.PredictedLabel}' output column.");

        return new LoadedModel(transformer, inputSchema, output, labels, path);
    }

    private static bool Mentions(Exception e, string text)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x.Message.Contains(text, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
