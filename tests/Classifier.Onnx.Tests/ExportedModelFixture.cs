using Classifier.Core.Model;
using Classifier.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Classifier.Onnx.Tests;

/// <summary>Exports the shipped zip once for the whole class (a few seconds) and opens it in ONNX Runtime.</summary>
public sealed class ExportedModelFixture : IDisposable
{
    private readonly TempDir _folder = new();

    public ExportedModelFixture()
    {
        Model = ModelStore.Load(RepoFiles.Model);
        OnnxPath = _folder.File("stance.onnx");
        OnnxExport.Export(Model, OnnxPath);
        Session = OnnxScoring.Open(OnnxPath);
    }

    public LoadedModel Model { get; }
    public string OnnxPath { get; }
    public InferenceSession Session { get; }

    public void Dispose()
    {
        Session.Dispose();
        _folder.Dispose();
    }
}
