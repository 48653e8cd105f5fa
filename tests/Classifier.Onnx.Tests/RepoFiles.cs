namespace Classifier.Onnx.Tests;

/// <summary>Paths of the shipped files, found from the test binaries upward (tests run from bin/...).</summary>
internal static class RepoFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Classifier.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Classifier.sln above {AppContext.BaseDirectory}");
    });

    public static string Model => Path.Combine(Root.Value, "models", "stance.zip");
    public static string TestCsv => Path.Combine(Root.Value, "data", "stance-test.csv");
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("classifier-onnx-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
