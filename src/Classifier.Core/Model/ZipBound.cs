using System.IO.Compression;

namespace Classifier.Core.Model;

/// <summary>
/// The most a model zip may expand to before anything is extracted (ML.NET copies entries to the
/// temporary folder while loading), so a small zip holding a huge entry is refused, not unpacked.
/// </summary>
internal static class ZipBound
{
    /// <summary>The environment variable that sets the bound in bytes for every program (the service also reads <c>Classifier:MaxModelExpandedBytes</c>).</summary>
    public const string Variable = "CLASSIFIER_MAX_MODEL_BYTES";

    /// <summary>1 GiB: the shipped models expand to a few MB; the embeddings model's weights live in a DLL, not the zip.</summary>
    public const long DefaultMaxExpandedBytes = 1L << 30;

    /// <summary>Most entries a model zip may hold.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>The bound in force: <see cref="Variable"/> when set to a positive whole number, else 1 GiB.</summary>
    public static long Default =>
        long.TryParse(Environment.GetEnvironmentVariable(Variable), out var bytes) && bytes > 0 ? bytes : DefaultMaxExpandedBytes;

    /// <summary>
    /// Refuses (BadModel, one line) a zip whose entries declare, or actually inflate to, more than
    /// <paramref name="maxBytes"/> in all. Reads the stream from its current position and puts it back.
    /// A stream that is not a zip is left for ML.NET to report.
    /// </summary>
    public static void Check(Stream zip, string name, long maxBytes)
    {
        if (!zip.CanSeek) return;
        var start = zip.Position;
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            if (archive.Entries.Count > MaxEntries)
                throw ClassifierException.Model($"{name}: the model zip holds {archive.Entries.Count:N0} entries, over the limit of {MaxEntries:N0}; refusing to load it.");
            var declared = archive.Entries.Sum(e => e.Length);
            if (declared > maxBytes) throw TooLarge(name, declared, maxBytes);
            // Headers can lie: count what each entry really inflates to, stopping at the bound.
            var buffer = new byte[1 << 16];
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                using var data = entry.Open();
                int read;
                while ((read = data.Read(buffer)) > 0)
                {
                    total += read;
                    if (total > maxBytes) throw TooLarge(name, total, maxBytes);
                }
            }
        }
        catch (InvalidDataException)
        {
            // Not a zip (or a damaged one): ML.NET's own error names it.
        }
        finally
        {
            zip.Position = start;
        }
    }

    private static ClassifierException TooLarge(string name, long bytes, long maxBytes) =>
        ClassifierException.Model($"{name}: the model zip would expand to more than {Mb(Math.Min(bytes, maxBytes + 1))} (its entries{(bytes > maxBytes ? " declare or inflate to" : "")} {Mb(bytes)}), over the limit of {Mb(maxBytes)}; refusing to extract it (raise the limit with {Variable} or Classifier:MaxModelExpandedBytes).");

    private static string Mb(long bytes) => $"{bytes / 1048576.0:N1} MB";
}
