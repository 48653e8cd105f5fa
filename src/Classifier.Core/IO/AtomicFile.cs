namespace Classifier.Core.IO;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so readers never see a half-written
/// file and an interrupted run leaves the previous file intact.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var temp = TempPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A unique temporary name beside <paramref name="fullPath"/> (same folder, so the rename is atomic).</summary>
    public static string TempPathFor(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>Fails early, with the path, when a file cannot be created in the folder of <paramref name="path"/>.</summary>
    public static void EnsureWritableFolder(string path, string what)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw ClassifierException.Arguments($"{path}: the folder '{folder}' for the {what} does not exist.");
        if (Directory.Exists(full)) throw ClassifierException.Arguments($"{path}: is a folder; give a file path for the {what}.");
        var probe = TempPathFor(full);
        try
        {
            using (File.Create(probe)) { }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw ClassifierException.Arguments($"{path}: the folder '{folder}' for the {what} is not writable.");
        }
        finally
        {
            if (File.Exists(probe)) File.Delete(probe);
        }
    }
}
