using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Training;

namespace Classifier.Api.Tests;

/// <summary>The repository's shipped model and data, and scratch folders for tests that change files.</summary>
internal static class TestFiles
{
    public static string RepoRoot { get; } = Repo.Root;

    public static string StanceModel => Path.Combine(RepoRoot, "models", "stance.zip");

    public static IReadOnlyList<string> TestSentences { get; } =
        LabeledCsv.Read(Path.Combine(RepoRoot, "data", "stance-test.csv")).Rows.Select(r => r.Text).ToArray();

    /// <summary>Replaces a file the way the trainer does (write beside it, then rename over it).</summary>
    public static void ReplaceAtomically(string path, byte[] bytes)
    {
        var temp = path + ".incoming";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

}

/// <summary>
/// A second, different text model (labels alpha/beta) trained once on eight rows, for reload tests.
/// </summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public TinyModelFixture()
    {
        Folder = _dir.Path;
        string[] alpha = ["apples and pears", "apple pie recipe", "pears in syrup", "fresh apples today"];
        string[] beta = ["engines and gears", "gear box repair", "engine oil change", "new gears fitted"];
        var rows = alpha.Select(t => new LabeledExample(t, "alpha")).Concat(beta.Select(t => new LabeledExample(t, "beta"))).ToArray();
        Path = System.IO.Path.Combine(Folder, "tiny.zip");
        ModelStore.Save(ModelTrainer.Fit(rows, new TrainingOptions()), Path);
        Bytes = File.ReadAllBytes(Path);
    }

    public string Folder { get; }

    public string Path { get; }

    public byte[] Bytes { get; }

    public void Dispose() => _dir.Dispose();
}
