using Classifier.Core.IO;

namespace Classifier.Core.Scoring.Shards;

/// <summary>An input that can be cut into shards for the row-by-row scorer (CSV here; Parquet in Classifier.Parquet).</summary>
internal interface IShardInput
{
    /// <summary>"csv" or "parquet".</summary>
    string Format { get; }

    /// <summary>Size and hash of the input, computed before any scoring (a re-run compares them to the manifest's).</summary>
    ShardInput Identify();

    /// <summary>Opens the rows shard <paramref name="shard"/> owns; malformed records it owns go to <paramref name="problems"/>.</summary>
    IShardRows Open(ShardSpec shard, ScoringOptions options, RowProblemLog problems);
}

/// <summary>The rows of one shard, in input order, and once read, the slice they came from.</summary>
internal interface IShardRows : IRowSource
{
    /// <summary>The slice and the row numbers of its first and last rows (complete once <see cref="IRowSource.Next"/> returned null).</summary>
    ShardSplit Split { get; }

    /// <summary><paramref name="identity"/> with what this shard read (offset, length, hash).</summary>
    ShardInput WithRead(ShardInput identity);
}

/// <summary>
/// CSV shards. A record belongs to the shard whose slice [I·L/N, (I+1)·L/N) of the file's L bytes holds
/// the record's first byte, as CsvHelper reports it (<see cref="CsvRowSource.Position"/> after the
/// record is read). Every shard parses the file from the start with the same parser as a single run,
/// so a quoted line break never splits a record and each record is owned exactly once; a shard stops
/// parsing at the first record past its slice. Malformed records (which CsvHelper skips without a
/// position of their own) belong to the shard that owns the last good record before them (shard 0
/// before the first). The slices are contiguous, so the parts concatenated in shard order are the
/// single run's output.
/// </summary>
internal sealed class CsvShardInput(string path, string textColumn) : IShardInput
{
    /// <inheritdoc />
    public string Format => "csv";

    /// <inheritdoc />
    public ShardInput Identify()
    {
        if (Directory.Exists(path)) throw ClassifierException.Input($"{path}: is a folder, not a CSV file.");
        if (!File.Exists(path)) throw ClassifierException.Input($"{path}: file not found.");
        var full = Path.GetFullPath(path);
        string hash;
        try
        {
            hash = FileHash.Sha256(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ClassifierException.Input($"{path}: cannot read the file: {ClassifierException.FirstLine(e.Message)}", e);
        }
        var size = new FileInfo(full).Length;
        return new ShardInput { Path = full, Format = Format, Size = size, Sha256 = hash, Sha256Of = "file" };
    }

    /// <inheritdoc />
    public IShardRows Open(ShardSpec shard, ScoringOptions options, RowProblemLog problems) =>
        new Rows(path, textColumn, shard, options.Strict, problems);

    private sealed class Rows : IShardRows
    {
        private readonly CsvRowSource inner;
        private readonly long from;
        private readonly long to;
        private readonly long total;
        private long firstRow;
        private long lastRow;
        private bool done;

        public Rows(string path, string textColumn, ShardSpec shard, bool strict, RowProblemLog problems)
        {
            total = File.Exists(path) ? new FileInfo(path).Length : 0;
            from = ShardSplit.Boundary(total, shard.Index, shard.Count);
            to = ShardSplit.Boundary(total, shard.Index + 1, shard.Count);
            CsvRowSource? source = null;
            // At this call CsvHelper's position is still the start of the last good record (0 before any).
            source = CsvRowSource.Open(path, textColumn, strict, problem =>
            {
                if (Owns(source?.Position ?? 0)) problems.Add(problem);
            });
            inner = source;
        }

        public string Name => inner.Name;

        public IReadOnlyList<string> Columns => inner.Columns;

        public int TextIndex => inner.TextIndex;

        public long Position => inner.Position;

        public long? Length => to;

        public ShardSplit Split => new()
        {
            Unit = "csv record start byte",
            From = from,
            To = to,
            Total = total,
            FirstRow = firstRow,
            LastRow = lastRow,
        };

        public ShardInput WithRead(ShardInput identity) =>
            identity with { ReadOffset = 0, ReadLength = identity.Size, ReadSha256 = identity.Sha256 };

        public SourceRow? Next()
        {
            while (!done)
            {
                if (inner.NextFrom(from) is not { } row)
                {
                    done = true;
                    break;
                }
                var start = inner.Position;
                if (start < from) continue;
                if (start >= to)
                {
                    done = true;
                    break;
                }
                if (firstRow == 0) firstRow = row.Number;
                lastRow = row.Number;
                return row;
            }
            return null;
        }

        public void Dispose() => inner.Dispose();

        private bool Owns(long position) => position >= from && position < to;
    }
}
