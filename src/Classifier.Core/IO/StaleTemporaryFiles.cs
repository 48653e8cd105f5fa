using System.Text.RegularExpressions;

namespace Classifier.Core.IO;

/// <summary>
/// Removes the temporary files an earlier run of ours left beside an output when it was killed
/// (<c>.NAME.PID.GUID.tmp</c>, see <see cref="AtomicFile.TempPathFor"/>) once they are older than a day,
/// so a run still writing one (a day is far longer than any run) is never disturbed.
/// </summary>
internal static partial class StaleTemporaryFiles
{
    /// <summary>How old a temporary file must be before it counts as abandoned.</summary>
    public static readonly TimeSpan DefaultAge = TimeSpan.FromDays(1);

    /// <summary>
    /// Sweeps the folders of <paramref name="outputs"/>; returns one note per folder that had any
    /// ("removed 2 stale temporary files ..."), for the program to print.
    /// </summary>
    public static IReadOnlyList<string> Sweep(IEnumerable<string?> outputs, TimeSpan? olderThan = null)
    {
        var cutoff = DateTime.UtcNow - (olderThan ?? DefaultAge);
        var notes = new List<string>();
        var folders = outputs.Where(p => !string.IsNullOrEmpty(p) && p != "-")
            .Select(p => Path.GetDirectoryName(SafePaths.Canonical(p!)))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) continue;
            var removed = new List<string>();
            try
            {
                foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
                {
                    var name = Path.GetFileName(file);
                    if (!Ours().IsMatch(name)) continue;
                    var info = new FileInfo(file);
                    if (info.LinkTarget is not null || info.LastWriteTimeUtc > cutoff) continue;
                    try
                    {
                        info.Delete();
                        removed.Add(name);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (removed.Count > 0)
                notes.Add($"note: removed {removed.Count} stale temporary file{(removed.Count == 1 ? "" : "s")} older than a day from {folder} (left by an interrupted run): {string.Join(", ", removed.Order(StringComparer.Ordinal))}.");
        }
        return notes;
    }

    [GeneratedRegex(@"^\..+\.[0-9]+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex Ours();
}
