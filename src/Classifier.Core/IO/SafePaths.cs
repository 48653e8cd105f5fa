namespace Classifier.Core.IO;

/// <summary>
/// Checks, before any work, that no file a command writes is one it reads (compared by device and
/// inode after following links, so a symlinked folder or a hard link is caught), that two outputs are
/// not one file, and that nothing but a regular file would be replaced.
/// </summary>
internal static class SafePaths
{
    private static readonly AsyncLocal<FileIdentity[]?> Protected = new();

    /// <summary>
    /// Refuses (exit 2, one line naming both paths) when a write path is the same file as a read path
    /// or another write path, or when a write path exists and is not a regular file. Paths that do not
    /// exist are skipped on the read side; a missing input is reported by whatever reads it.
    /// </summary>
    public static void Check(IEnumerable<(string? Path, string What)> reads, IEnumerable<(string? Path, string What)> writes)
    {
        var inputs = reads.Where(r => !string.IsNullOrEmpty(r.Path))
            .Select(r => (r.Path!, r.What, Id: FileIdentity.Of(r.Path!)))
            .Where(r => r.Id is not null)
            .ToArray();
        var outputs = writes.Where(w => !string.IsNullOrEmpty(w.Path)).Select(w => (Path: w.Path!, w.What)).ToArray();
        for (var i = 0; i < outputs.Length; i++)
        {
            var (path, what) = outputs[i];
            var id = FileIdentity.Of(path);
            if (id is { } existing)
            {
                if (existing.Kind == FileKind.Directory)
                    throw ClassifierException.Arguments($"{path}: is a folder; give a file path for the {what}.");
                if (existing.Kind != FileKind.Regular)
                    throw ClassifierException.Arguments($"{path}: the {what} is {FileIdentity.Describe(existing.Kind)}, not a regular file; refusing to replace it.");
                foreach (var (inputPath, inputWhat, inputId) in inputs)
                {
                    if (existing.SameFileAs(inputId!.Value))
                        throw ClassifierException.Arguments(
                            inputPath == path
                                ? $"{path}: the {what} is the {inputWhat}; refusing to write over it."
                                : $"{path}: the {what} is the same file as the {inputWhat} {inputPath}; refusing to write over it.");
                }
            }
            for (var j = 0; j < i; j++)
            {
                var (otherPath, otherWhat) = outputs[j];
                if (SameTarget(path, otherPath))
                    throw ClassifierException.Arguments($"{path}: the {what} and the {otherWhat} ({otherPath}) are the same file.");
            }
        }
    }

    /// <summary>
    /// Marks files as inputs for the current flow of work: <see cref="AtomicFile.Write"/> refuses to
    /// replace any of them, whatever path it is given (the last line of defence behind <see cref="Check"/>).
    /// </summary>
    public static IDisposable ProtectInputs(IEnumerable<string?> paths)
    {
        var previous = Protected.Value;
        var ids = paths.Where(p => !string.IsNullOrEmpty(p)).Select(p => FileIdentity.Of(p!)).OfType<FileIdentity>()
            .Where(id => id.Kind == FileKind.Regular);
        Protected.Value = [.. previous ?? [], .. ids];
        return new Restore(previous);
    }

    /// <summary>Throws when <paramref name="path"/> is a file protected by <see cref="ProtectInputs"/>.</summary>
    internal static void RefuseProtected(string path, FileIdentity? id)
    {
        if (id is not { } target || Protected.Value is not { Length: > 0 } inputs) return;
        if (inputs.Any(input => input.SameFileAs(target)))
            throw ClassifierException.Arguments($"{path}: is one of this command's inputs; refusing to write over it.");
    }

    /// <summary>The path with every link resolved (the file's final target; for a missing file, its resolved folder and name).</summary>
    public static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) full = target.FullName;
        }
        catch (IOException)
        {
        }
        var folder = Path.GetDirectoryName(full);
        if (folder is null) return full;
        return Path.Combine(CanonicalFolder(folder), Path.GetFileName(full));
    }

    private static string CanonicalFolder(string folder)
    {
        try
        {
            var dir = new DirectoryInfo(folder);
            if (!dir.Exists) return folder;
            var parent = dir.Parent is null ? null : CanonicalFolder(dir.Parent.FullName);
            var here = parent is null ? dir.FullName : Path.Combine(parent, dir.Name);
            if (new DirectoryInfo(here).LinkTarget is not null && new DirectoryInfo(here).ResolveLinkTarget(returnFinalTarget: true) is { } target)
                return CanonicalFolder(target.FullName);
            return here;
        }
        catch (IOException)
        {
            return folder;
        }
    }

    private static bool SameTarget(string a, string b)
    {
        if (FileIdentity.Of(a) is { } x && FileIdentity.Of(b) is { } y) return x.SameFileAs(y);
        return string.Equals(Canonical(a), Canonical(b), StringComparison.Ordinal);
    }

    private sealed class Restore(FileIdentity[]? previous) : IDisposable
    {
        public void Dispose() => Protected.Value = previous;
    }
}
