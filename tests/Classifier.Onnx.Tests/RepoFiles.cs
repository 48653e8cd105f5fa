namespace Classifier.Onnx.Tests;

/// <summary>Paths of the shipped files, found from the test binaries upward (tests run from bin/...).</summary>
internal static class RepoFiles
{
    public static string Model => Repo.File("models", "stance.zip");
    public static string TestCsv => Repo.File("data", "stance-test.csv");
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("classifier-onnx-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
