using Classifier.Core.Contract;
using Classifier.Core.Features;
using Classifier.Core.IO;
using Classifier.Core.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Core.Model;

/// <summary>A loaded model with the label names read from its Score slots.</summary>
/// <param name="Transformer">The ML.NET model.</param>
/// <param name="InputSchema">The schema it was saved with (a Text column).</param>
/// <param name="OutputSchema">Its output schema (Score and PredictedLabel among others).</param>
/// <param name="Labels">Label names in Score slot order.</param>
/// <param name="Path">The file (or the name given for a stream) it came from.</param>
public sealed record LoadedModel(ITransformer Transformer, DataViewSchema InputSchema, DataViewSchema OutputSchema, IReadOnlyList<string> Labels, string Path);

/// <summary>Saves and loads model zips; both checked, both atomic.</summary>
public static class ModelStore
{
    /// <summary>Saves a trained model as an ML.NET zip, atomically: the file is either the old one or the complete new one. Returns its size in bytes.</summary>
    /// <param name="model">The model to save.</param>
    /// <param name="path">The zip to write; overwritten if it exists.</param>
    public static long Save(TrainedModel model, string path)
    {
        var ml = new MLContext();
        AtomicFile.Write(path, stream => ml.Model.Save(model.Transformer, model.InputSchema, stream));
        return new FileInfo(path).Length;
    }

    /// <summary>
    /// Saves the model and the card <paramref name="makeCard"/> builds from the zip's size and SHA-256 as one
    /// unit (<see cref="ModelPair"/>): a kill at any instant leaves the old pair or the new one.
    /// </summary>
    public static (long Bytes, string Sha256) SaveWithCard(TrainedModel model, string path, Func<long, string, ModelCard> makeCard)
    {
        var ml = new MLContext();
        return ModelPair.Write(path, stream => ml.Model.Save(model.Transformer, model.InputSchema, stream), makeCard);
    }

    /// <summary>Writes a card beside a model zip (<see cref="ModelCard.PathFor"/>), atomically.</summary>
    /// <param name="card">The card.</param>
    /// <param name="modelPath">The model zip's path.</param>
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
    /// <param name="path">The model zip.</param>
    /// <param name="ml">The context to load into; a new one when null.</param>
    /// <exception cref="ClassifierException">BadModel, naming the file, when it is missing, unreadable or not a text classifier.</exception>
    public static LoadedModel Load(string path, MLContext? ml = null)
    {
        if (Directory.Exists(path)) throw ClassifierException.Model($"{path}: is a folder, not a model zip.");
        // A training run killed in the middle of saving leaves a commit to finish: the new pair, or the old.
        ModelPair.Recover(path);
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
    /// <param name="stream">The zip's bytes; read, not closed.</param>
    /// <param name="name">The name errors use for it.</param>
    /// <param name="ml">The context to load into; a new one when null.</param>
    /// <exception cref="ClassifierException">BadModel, naming <paramref name="name"/>, when it is not a text classifier.</exception>
    public static LoadedModel Load(Stream stream, string name, MLContext? ml = null) => Load(stream, name, ZipBound.Default, ml);

    /// <summary>
    /// As <see cref="Load(Stream, string, MLContext?)"/>, refusing first (BadModel) a zip whose entries would
    /// expand beyond <paramref name="maxExpandedBytes"/> (<see cref="ZipBound"/>).
    /// </summary>
    public static LoadedModel Load(Stream stream, string name, long maxExpandedBytes, MLContext? ml = null)
    {
        ZipBound.Check(stream, name, maxExpandedBytes);
        // Embeddings models name a CustomMapping that ML.NET finds only in registered assemblies;
        // the implementation, when the app references it, registers its own.
        ml ??= new MLContext();
        // A private folder for what ML.NET extracts while loading, removed whatever happens (a failed load left /tmp/ml_dotnet_*).
        var scratch = Path.Combine(Path.GetTempPath(), $"classifier-load-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var previousTemp = ml.TempFilePath;
        ml.TempFilePath = scratch;
        try
        {
            return LoadChecked(stream, name, ml);
        }
        finally
        {
            ml.TempFilePath = previousTemp;
            try
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static LoadedModel LoadChecked(Stream stream, string name, MLContext ml)
    {
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
            // Older zips name the mapping's contract; newer ones also name the assembly that holds it.
            if (embeddings is null && (Mentions(e, SentenceEmbeddings.MappingContract) || Mentions(e, $"'{SentenceEmbeddings.AssemblyName},")))
                throw ClassifierException.Model(SentenceEmbeddings.MissingForModel(name), e);
            // A step of ours refusing the zip (e.g. a retired encoder) says why itself; ML.NET wraps it.
            for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
                if (inner is ClassifierException refusal) throw ClassifierException.Model($"{name}: {refusal.Message}", e);
            throw ClassifierException.Model($"{name}: not a readable ML.NET model zip ({ClassifierException.FirstLine(e.Message)}).", e);
        }
        return Check(transformer, inputSchema, name);
    }

    internal static LoadedModel Check(ITransformer transformer, DataViewSchema? inputSchema, string path)
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
