using Classifier.Core;
using System.Text;
using Classifier.Core.IO;

namespace Classifier.Reports;

/// <summary>
/// A report's folder. Each file is written through <see cref="AtomicFile"/>, and the page last,
/// so a failed run never leaves a half-written file or a page naming a missing picture.
/// </summary>
internal sealed class ReportFolder
{
    private readonly List<string> _written = [];

    public ReportFolder(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw ClassifierException.Arguments("no report folder given.");
        if (File.Exists(path)) throw ClassifierException.Arguments($"{path}: is a file; give a folder for the report.");
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ClassifierException.Arguments($"{path}: cannot create the report folder ({e.Message}).");
        }
        AtomicFile.EnsureWritableFolder(System.IO.Path.Combine(path, "index.html"), "report");
        Path = path;
    }

    public string Path { get; }

    /// <summary>Files written so far, full paths, in order.</summary>
    public IReadOnlyList<string> Written => _written;

    public string Write(string name, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        AtomicFile.Write(path, stream => stream.Write(bytes));
        _written.Add(path);
        return name;
    }

    public string Write(string name, string text) => Write(name, new UTF8Encoding(false).GetBytes(text));
}
