using System.Buffers.Binary;
using System.Security.Cryptography;
using Classifier.Core;
using Classifier.Core.Scoring;
using Classifier.Core.Scoring.Shards;
using Parquet;
using Parquet.Schema;

namespace Classifier.Parquet;

/// <summary>
/// A Parquet input opened for scoring: its flat columns, the text column, the row groups and their
/// row counts (from the footer), read one row group at a time. A shard owns the row groups whose
/// first row falls in its slice [I·R/N, (I+1)·R/N) of the file's R rows.
/// </summary>
internal sealed class ParquetInput : IDisposable
{
    private readonly FileStream stream;
    private Array[]? buffers;

    private ParquetInput(string path, FileStream stream, ParquetReader reader, string textColumn)
    {
        Path = path;
        this.stream = stream;
        Reader = reader;
        var nested = reader.Schema.Fields.FirstOrDefault(f => f is not DataField || ((DataField)f).IsArray);
        if (nested is not null)
            throw ClassifierException.Input($"{path}: column '{nested.Name}' is nested (a list, map or struct); only flat columns can be scored and kept.");
        Fields = reader.Schema.DataFields;
        Columns = [.. Fields.Select(f => f.Name)];
        TextIndex = FindColumn(Columns, textColumn)
            ?? throw ClassifierException.Input($"{path}: no text column '{textColumn}' (columns found: {string.Join(", ", Columns.Select(c => $"'{c}'"))}).");
        if (!ParquetColumns.IsText(Fields[TextIndex]))
            throw ClassifierException.Input($"{path}: column '{Columns[TextIndex]}' holds {Fields[TextIndex].ClrType.Name}, not text.");
        RowCounts = [.. Enumerable.Range(0, reader.RowGroupCount).Select(i => reader.RowGroups[i].RowCount)];
        var starts = new long[RowCounts.Count + 1];
        for (var i = 0; i < RowCounts.Count; i++) starts[i + 1] = starts[i] + RowCounts[i];
        GroupStarts = starts;
    }

    /// <summary>The file, as given.</summary>
    public string Path { get; }

    /// <summary>The Parquet.Net reader.</summary>
    public ParquetReader Reader { get; }

    /// <summary>The flat columns, in file order.</summary>
    public IReadOnlyList<DataField> Fields { get; }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Index of the text column.</summary>
    public int TextIndex { get; }

    /// <summary>Rows of each row group.</summary>
    public IReadOnlyList<long> RowCounts { get; }

    /// <summary>The first row of each row group, and the file's row count last.</summary>
    public IReadOnlyList<long> GroupStarts { get; }

    /// <summary>The file's rows.</summary>
    public long Rows => GroupStarts[^1];

    /// <summary>True for a path that names a Parquet file (by its extension).</summary>
    public static bool IsParquet(string? path) => path is not null && path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens <paramref name="path"/>; a missing or unreadable file, or one that is not Parquet, is a one-line input error.</summary>
    public static ParquetInput Open(string path, string textColumn)
    {
        if (Directory.Exists(path)) throw ClassifierException.Input($"{path}: is a folder, not a Parquet file.");
        if (!File.Exists(path)) throw ClassifierException.Input($"{path}: file not found.");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ClassifierException.Input($"{path}: cannot read the file: {ClassifierException.FirstLine(e.Message)}", e);
        }
        try
        {
            if (stream.Length == 0) throw ClassifierException.Input($"{path}: the file is empty.");
            ParquetReader reader;
            try
            {
                reader = ParquetReader.CreateAsync(new SynchronousStream(stream), ParquetColumns.Options, leaveStreamOpen: true).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not ClassifierException)
            {
                throw ClassifierException.Input($"{path}: not a readable Parquet file ({ClassifierException.FirstLine(e.Message)}).", e);
            }
            return new ParquetInput(path, stream, reader, textColumn);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The row groups shard <paramref name="shard"/> owns: [first, end).</summary>
    public (int First, int End) GroupsOf(ShardSpec shard)
    {
        var from = ShardSplit.Boundary(Rows, shard.Index, shard.Count);
        var to = ShardSplit.Boundary(Rows, shard.Index + 1, shard.Count);
        int first = 0, end = 0;
        for (var g = 0; g < RowCounts.Count; g++)
        {
            if (GroupStarts[g] < from) first = g + 1;
            if (GroupStarts[g] < to) end = g + 1;
        }
        // Empty row groups at the very end belong to the last shard, so every group has an owner.
        if (shard.Index == shard.Count - 1) end = RowCounts.Count;
        return (first, Math.Max(first, end));
    }

    /// <summary>The slice of shard <paramref name="shard"/> (rows [From, To), its row groups and row numbers).</summary>
    public ShardSplit SplitOf(ShardSpec shard)
    {
        var (first, end) = GroupsOf(shard);
        var rows = GroupStarts[end] - GroupStarts[first];
        return new ShardSplit
        {
            Unit = "parquet row group first row",
            From = ShardSplit.Boundary(Rows, shard.Index, shard.Count),
            To = ShardSplit.Boundary(Rows, shard.Index + 1, shard.Count),
            Total = Rows,
            FirstRow = rows == 0 ? 0 : GroupStarts[first] + 1,
            LastRow = rows == 0 ? 0 : GroupStarts[end],
            FirstRowGroup = first,
            EndRowGroup = end,
        };
    }

    /// <summary>Size and SHA-256 of the footer (the file metadata, which holds every row group's offsets, sizes and statistics).</summary>
    public ShardInput Identify()
    {
        var size = stream.Length;
        var tail = new byte[8];
        stream.Position = size - 8;
        stream.ReadExactly(tail);
        var footer = BinaryPrimitives.ReadInt32LittleEndian(tail);
        var bytes = new byte[footer + 8];
        stream.Position = size - 8 - footer;
        stream.ReadExactly(bytes);
        return new ShardInput
        {
            Path = System.IO.Path.GetFullPath(Path),
            Format = "parquet",
            Size = size,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Sha256Of = "parquet footer",
        };
    }

    /// <summary><paramref name="identity"/> with the byte span of row groups [first, end) and its SHA-256.</summary>
    public ShardInput WithRead(ShardInput identity, int first, int end)
    {
        long start = long.MaxValue, stop = 0;
        for (var g = first; g < end; g++)
        {
            foreach (var column in Reader.RowGroups[g].RowGroup.Columns)
            {
                var meta = column.MetaData!;
                var begin = meta.DictionaryPageOffset is { } d && d > 0 ? Math.Min(d, meta.DataPageOffset) : meta.DataPageOffset;
                start = Math.Min(start, begin);
                stop = Math.Max(stop, begin + meta.TotalCompressedSize);
            }
        }
        if (start == long.MaxValue) return identity with { ReadOffset = 0, ReadLength = 0, ReadSha256 = Convert.ToHexStringLower(SHA256.HashData([])) };
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        stream.Position = start;
        for (var left = stop - start; left > 0;)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) break;
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        return identity with { ReadOffset = start, ReadLength = stop - start, ReadSha256 = Convert.ToHexStringLower(hash.GetHashAndReset()) };
    }

    /// <summary>
    /// Reads every column of row group <paramref name="group"/>, into the arrays of the previous call
    /// when they are large enough: the values of one group are valid until the next call.
    /// </summary>
    public (Array[] Columns, int Rows) ReadGroup(int group)
    {
        using var reader = OpenGroup(group);
        var columns = new Array[Fields.Count];
        for (var c = 0; c < Fields.Count; c++) columns[c] = reader.Read(c);
        return (columns, reader.Rows);
    }

    /// <summary>
    /// Opens row group <paramref name="group"/> to be read one column at a time (<see cref="GroupReader.Read"/>),
    /// so that only the columns in use are in memory. A column's values are valid until it is
    /// <see cref="GroupReader.Release"/>d or the next group is opened.
    /// </summary>
    public GroupReader OpenGroup(int group)
    {
        buffers ??= new Array[Fields.Count];
        // The previous group's strings die here rather than while the next group is decoded beside them.
        for (var c = 0; c < buffers.Length; c++) Release(c);
        try
        {
            return new GroupReader(this, group, Reader.OpenRowGroupReader(group));
        }
        catch (Exception e) when (e is not ClassifierException and not OutOfMemoryException)
        {
            throw ClassifierException.Input($"{Path}: row group {group}: cannot be read ({ClassifierException.FirstLine(e.Message)}).", e);
        }
    }

    private void Release(int column)
    {
        if (buffers?[column] is { } values && !values.GetType().GetElementType()!.IsValueType) Array.Clear(values);
    }

    /// <summary>One row group of a <see cref="ParquetInput"/>, read column by column into the input's reused arrays.</summary>
    public sealed class GroupReader : IDisposable
    {
        private readonly ParquetInput input;
        private readonly int group;
        private readonly ParquetRowGroupReader reader;
        // Columns read in this group and not released: a second Read returns them without decoding again.
        private readonly bool[] held;

        internal GroupReader(ParquetInput input, int group, ParquetRowGroupReader reader)
        {
            this.input = input;
            this.group = group;
            this.reader = reader;
            held = new bool[input.Fields.Count];
            Rows = checked((int)reader.RowCount);
            Bytes = reader.RowGroup.TotalByteSize;
        }

        /// <summary>Rows of the group.</summary>
        public int Rows { get; }

        /// <summary>Uncompressed bytes of the group, as its footer says (0 when the writer left it out).</summary>
        public long Bytes { get; }

        /// <summary>The values of column <paramref name="column"/> (the first <see cref="Rows"/> elements of the array), decoded once per group until released.</summary>
        public Array Read(int column)
        {
            var buffers = input.buffers!;
            if (held[column]) return buffers[column];
            try
            {
                input.Release(column);
                buffers[column] = ParquetColumns.Read(reader, input.Fields[column], Rows, buffers[column]);
                held[column] = true;
                return buffers[column];
            }
            catch (Exception e) when (e is not ClassifierException and not OutOfMemoryException)
            {
                throw ClassifierException.Input($"{input.Path}: row group {group}: column '{input.Columns[column]}' cannot be read ({ClassifierException.FirstLine(e.Message)}).", e);
            }
        }

        /// <summary>Drops the values of a text or bytes column once written, so they do not outlive their use.</summary>
        public void Release(int column)
        {
            held[column] = false;
            input.Release(column);
        }

        /// <inheritdoc />
        public void Dispose() => reader.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        stream.Dispose();
    }

    private static int? FindColumn(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.Ordinal)) return i;
        }
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
        }
        return null;
    }
}

/// <summary>
/// The rows of a Parquet file (or of a shard's row groups) as text fields, for the CSV and JSON-lines
/// writers: one row group in memory at a time.
/// </summary>
internal sealed class ParquetRowSource : IShardRows
{
    private readonly ParquetInput input;
    private readonly int endGroup;
    private readonly ShardSplit split;
    private int nextGroup;
    private Array[]? columns;
    private int rows;
    private int row;
    private long rowNumber;

    /// <summary>Rows of groups [<paramref name="firstGroup"/>, <paramref name="endGroup"/>) of <paramref name="input"/>, which the source disposes.</summary>
    public ParquetRowSource(ParquetInput input, int firstGroup, int endGroup, ShardSplit split)
    {
        this.input = input;
        nextGroup = firstGroup;
        this.endGroup = endGroup;
        this.split = split;
        rowNumber = input.GroupStarts[firstGroup];
    }

    /// <summary>The whole file.</summary>
    public static ParquetRowSource All(ParquetInput input) =>
        new(input, 0, input.RowCounts.Count, new ShardSplit { Unit = "parquet row group first row", From = 0, To = input.Rows, Total = input.Rows, FirstRowGroup = 0, EndRowGroup = input.RowCounts.Count });

    /// <inheritdoc />
    public string Name => input.Path;

    /// <inheritdoc />
    public IReadOnlyList<string> Columns => input.Columns;

    /// <inheritdoc />
    public int TextIndex => input.TextIndex;

    /// <inheritdoc />
    public long Position => rowNumber;

    /// <inheritdoc />
    public long? Length => input.Rows;

    /// <inheritdoc />
    public ShardSplit Split => split;

    /// <inheritdoc />
    public ShardInput WithRead(ShardInput identity) => input.WithRead(identity, split.FirstRowGroup, split.EndRowGroup);

    /// <inheritdoc />
    public SourceRow? Next()
    {
        while (columns is null || row >= rows)
        {
            if (nextGroup >= endGroup) return null;
            (columns, rows) = input.ReadGroup(nextGroup++);
            row = 0;
        }
        var fields = new string[columns.Length];
        for (var c = 0; c < fields.Length; c++) fields[c] = ParquetColumns.Format(columns[c].GetValue(row));
        row++;
        rowNumber++;
        return new SourceRow(rowNumber, rowNumber, fields, rowNumber - 1);
    }

    /// <inheritdoc />
    public void Dispose() => input.Dispose();
}

/// <summary>Parquet inputs for shards scored into CSV or JSON lines.</summary>
internal sealed class ParquetShardInput(string path, string textColumn) : IShardInput
{
    /// <inheritdoc />
    public string Format => "parquet";

    /// <inheritdoc />
    public ShardInput Identify()
    {
        using var input = ParquetInput.Open(path, textColumn);
        return input.Identify();
    }

    /// <inheritdoc />
    public IShardRows Open(ShardSpec shard, ScoringOptions options, RowProblemLog problems)
    {
        var input = ParquetInput.Open(path, textColumn);
        var split = input.SplitOf(shard);
        return new ParquetRowSource(input, split.FirstRowGroup, split.EndRowGroup, split);
    }
}
