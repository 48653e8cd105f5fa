namespace Classifier.Testing;

/// <summary>Paths inside the repository, found from the test binaries' folder.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Classifier.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Classifier.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted with the test (or fixture): the one scratch-folder helper of every test project.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "classifier-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A new, empty subfolder (for tests that share one fixture's folder but need their own).</summary>
    public string NewFolder()
    {
        var path = File(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
