using System.Security.Cryptography;
using System.Text.Json;
using Classifier.Core.IO;

namespace Classifier.Core.Model;

/// <summary>How a model's card relates to its zip.</summary>
public enum CardStatus
{
    /// <summary>No card beside the zip, or it cannot be read.</summary>
    Missing,

    /// <summary>The card records the zip's SHA-256 and it matches.</summary>
    Verified,

    /// <summary>The card records no hash (written before cards carried one): shown, but not proven to belong to the zip.</summary>
    Unverified,

    /// <summary>The card records another zip's hash: it is ignored.</summary>
    Mismatched,
}

/// <summary>
/// A model zip and its card written as one unit. Both are written to temporary files first; then a
/// commit record (<c>.NAME.zip.commit</c>, itself renamed into place) names them, the card and then
/// the zip are renamed into place, and the record is deleted. A run killed before the record exists
/// leaves the old pair; one killed after it is rolled forward by the next reader or writer
/// (<see cref="Recover"/>), so at every instant the pair on disk is the old one or the new one.
/// </summary>
internal static class ModelPair
{
    /// <summary>The commit record of a model path (hidden, beside the zip).</summary>
    public static string CommitRecordFor(string modelPath)
    {
        var zip = SafePaths.Canonical(modelPath);
        return Path.Combine(Path.GetDirectoryName(zip)!, $".{Path.GetFileName(zip)}.commit");
    }

    /// <summary>
    /// Writes the zip (<paramref name="writeZip"/>) and the card <paramref name="makeCard"/> builds from
    /// the zip's size and SHA-256, as one unit. Returns the zip's size and hash.
    /// </summary>
    public static (long Bytes, string Sha256) Write(string modelPath, Action<Stream> writeZip, Func<long, string, ModelCard> makeCard)
    {
        Recover(modelPath);
        var zip = AtomicFile.Target(modelPath);
        var card = AtomicFile.Target(ModelCard.PathFor(modelPath));
        var zipTemp = AtomicFile.TempPathFor(zip);
        var cardTemp = AtomicFile.TempPathFor(card);
        AtomicFile.Track(zipTemp);
        AtomicFile.Track(cardTemp);
        try
        {
            long bytes;
            string sha;
            try
            {
                using (var stream = new FileStream(zipTemp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
                {
                    writeZip(stream);
                    stream.Flush(flushToDisk: true);
                    bytes = stream.Length;
                    stream.Position = 0;
                    sha = Convert.ToHexStringLower(SHA256.HashData(stream));
                }
                var json = makeCard(bytes, sha) with { ModelSha256 = sha, ModelBytes = bytes };
                WriteDurably(cardTemp, System.Text.Encoding.UTF8.GetBytes(json.ToJson() + "\n"));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw AtomicFile.WriteFailed(modelPath, e);
            }

            var record = CommitRecordFor(modelPath);
            var recordTemp = AtomicFile.TempPathFor(record);
            AtomicFile.Commit(() =>
            {
                // The record is whole before it exists under its name: from here on the new pair wins.
                WriteDurably(recordTemp, JsonSerializer.SerializeToUtf8Bytes(new CommitRecord(zipTemp, zip, cardTemp, card, sha)));
                File.Move(recordTemp, record, overwrite: true);
                RollForward(record);
            });
            return (bytes, sha);
        }
        finally
        {
            AtomicFile.Forget(zipTemp);
            AtomicFile.Forget(cardTemp);
        }
    }

    /// <summary>
    /// Finishes a commit a killed run left half done (renames what is still pending, then deletes the
    /// record). Safe to call from several processes at once; returns false when there was nothing to do
    /// or the folder cannot be written (the pair is then checked by hash as it is).
    /// </summary>
    public static bool Recover(string modelPath)
    {
        string record;
        try
        {
            record = CommitRecordFor(modelPath);
            if (!File.Exists(record)) return false;
            RollForward(record);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }

    /// <summary>Checks a card against the zip's SHA-256: matching, unverified (no hash recorded) or mismatched.</summary>
    public static CardStatus Check(ModelCard? card, string zipSha256) =>
        card is null ? CardStatus.Missing
        : string.IsNullOrEmpty(card.ModelSha256) ? CardStatus.Unverified
        : string.Equals(card.ModelSha256, zipSha256, StringComparison.OrdinalIgnoreCase) ? CardStatus.Verified
        : CardStatus.Mismatched;

    /// <summary>The note for a card that is not verified, or null when there is nothing to say.</summary>
    public static string? Note(CardStatus status, string modelName, ModelCard? card, string zipSha256) => status switch
    {
        CardStatus.Unverified => $"the card beside {modelName} records no model hash (written before cards carried one), so it is shown unverified.",
        CardStatus.Mismatched => $"the card beside {modelName} belongs to another zip (card sha256 {card?.ModelSha256?[..Math.Min(12, card.ModelSha256.Length)]}, zip {zipSha256[..12]}); it is ignored.",
        _ => null,
    };

    private static void RollForward(string record)
    {
        var pending = JsonSerializer.Deserialize<CommitRecord>(File.ReadAllBytes(record))
            ?? throw new JsonException("empty commit record");
        // Only renames within the record's own folder, of our own temporary names: a planted record moves nothing else.
        var folder = Path.GetDirectoryName(record)!;
        if (new[] { pending.ZipTemp, pending.Zip, pending.CardTemp, pending.Card }.Any(p => Path.GetDirectoryName(Path.GetFullPath(p)) != folder)
            || !Path.GetFileName(pending.ZipTemp).EndsWith(".tmp", StringComparison.Ordinal) || !Path.GetFileName(pending.CardTemp).EndsWith(".tmp", StringComparison.Ordinal))
        {
            File.Delete(record);
            return;
        }
        // Card first, zip last: a watcher that reloads on the zip's rename finds the new card already there.
        MoveIfPresent(pending.CardTemp, pending.Card);
        MoveIfPresent(pending.ZipTemp, pending.Zip);
        File.Delete(record);
    }

    private static void MoveIfPresent(string temp, string destination)
    {
        try
        {
            File.Move(temp, destination, overwrite: true);
        }
        catch (FileNotFoundException)
        {
            // Already moved (by the writer or another reader's recovery).
        }
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private sealed record CommitRecord(string ZipTemp, string Zip, string CardTemp, string Card, string Sha256);
}
