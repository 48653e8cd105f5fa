using System.Collections.Concurrent;

namespace Classifier.Core.IO;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so readers never see a half-written
/// file and an interrupted run leaves the previous file intact.
/// </summary>
/// <remarks>
/// A link is followed (its target is replaced, the link stays); anything that is not a regular file
/// (a device, a FIFO, a folder) is never replaced; a file protected by <see cref="SafePaths.ProtectInputs"/>
/// is never written. Temporary files in flight are tracked so a termination signal can remove them
/// (<see cref="AbandonAll"/>).
/// </remarks>
internal static class AtomicFile
{
    private static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);
    private static volatile bool _abandoned;

    /// <summary>Held while a finished temporary file is renamed into place (and by <see cref="AbandonAll"/>).</summary>
    public static Lock CommitLock { get; } = new();

    /// <summary>Writes <paramref name="path"/> through a temporary file; a write failure is one <see cref="ClassifierException"/> line.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Target(path);
        var temp = TempPathFor(full);
        Track(temp);
        try
        {
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw WriteFailed(path, e);
            }
            catch (ArgumentOutOfRangeException e) when (IsFileTooLarge(e))
            {
                throw WriteFailed(path, e);
            }
            Commit(() => File.Move(temp, full, overwrite: true));
        }
        finally
        {
            Forget(temp);
        }
    }

    /// <summary>
    /// The file a write to <paramref name="path"/> replaces: links followed to their final target. Refuses
    /// (exit 2) a target that exists and is not a regular file, or that is a protected input.
    /// </summary>
    public static string Target(string path)
    {
        var full = SafePaths.Canonical(path);
        var id = FileIdentity.Of(full);
        if (id is { Kind: not FileKind.Regular } special)
            throw ClassifierException.Arguments($"{path}: is {FileIdentity.Describe(special.Kind)}, not a regular file; refusing to replace it.");
        SafePaths.RefuseProtected(path, id);
        return full;
    }

    /// <summary>Runs a rename into place under <see cref="CommitLock"/>, unless the process is being stopped.</summary>
    public static void Commit(Action rename)
    {
        lock (CommitLock)
        {
            if (_abandoned) throw new OperationCanceledException("stopping: output not committed.");
            rename();
        }
    }

    /// <summary>Starts tracking a temporary file of ours, so <see cref="AbandonAll"/> can remove it.</summary>
    public static void Track(string temp) => Live[temp] = 0;

    /// <summary>Deletes a temporary file (if still there) and stops tracking it.</summary>
    public static void Forget(string temp)
    {
        try
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind: the next run's sweep removes it once it is a day old.
        }
        Live.TryRemove(temp, out _);
    }

    /// <summary>
    /// For a termination signal: deletes every temporary file in flight and refuses further commits.
    /// Taken under <see cref="CommitLock"/>, so a rename (or a model and card commit) is either done or not begun.
    /// </summary>
    public static int AbandonAll()
    {
        lock (CommitLock)
        {
            _abandoned = true;
            var removed = 0;
            foreach (var temp in Live.Keys)
            {
                try
                {
                    if (File.Exists(temp))
                    {
                        File.Delete(temp);
                        removed++;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
            return removed;
        }
    }

    /// <summary>What .NET throws when a write passes the file-size limit (EFBIG): a failed write, not a bug.</summary>
    public static bool IsFileTooLarge(ArgumentOutOfRangeException e) =>
        e.TargetSite?.DeclaringType?.Namespace == "System.IO" && e.ParamName == "value";

    /// <summary>The one-line error for a failed write (disk full, I/O error).</summary>
    public static ClassifierException WriteFailed(string path, Exception e) =>
        ClassifierException.Write($"{path}: cannot write: {ClassifierException.FirstLine(e.Message)}; nothing was replaced.", e);

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
        var kind = FileIdentity.KindAt(full);
        if (kind is not (FileKind.Missing or FileKind.Regular))
            throw ClassifierException.Arguments($"{path}: the {what} is {FileIdentity.Describe(kind)}, not a regular file; refusing to replace it.");
        var probe = TempPathFor(SafePaths.Canonical(full));
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
