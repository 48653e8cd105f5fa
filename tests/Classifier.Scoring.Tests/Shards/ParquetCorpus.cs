using Parquet;
using Parquet.Schema;

namespace Classifier.Scoring.Tests.Shards;

/// <summary>Typed Parquet corpora for the tests, written with Parquet.Net.</summary>
internal static class ParquetCorpus
{
    public static readonly ParquetSchema Schema = new(
        new DataField<long>("id"),
        new DataField<string>("text"),
        new DataField<double?>("score"),
        new DataField<DateTime>("published"),
        new DataField<bool>("flag"),
        new DataField<int?>("year"));

    /// <summary>
    /// <paramref name="rows"/> rows in row groups of <paramref name="groupRows"/>: the texts of a generated
    /// CSV corpus (every 40th empty, every 97th null), a nullable double and int, a date and a flag.
    /// </summary>
    public static string Write(string path, int rows, int groupRows, int seed)
    {
        var csv = ShardCorpus.Write(path + ".source.csv", rows, seed);
        var (_, source) = ScoringRun.ReadCsv(csv);
        File.Delete(csv);
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(Schema, stream).GetAwaiter().GetResult();
        var fields = Schema.DataFields;
        for (var start = 0; start < rows; start += groupRows)
        {
            var n = Math.Min(groupRows, rows - start);
            var range = Enumerable.Range(start, n).ToArray();
            using var group = writer.CreateRowGroup();
            group.WriteAsync<long>(fields[0], range.Select(i => (long)i * 3).ToArray()).GetAwaiter().GetResult();
            group.WriteAsync(fields[1], range.Select(i => i % 97 == 5 ? null : source[i][1]).ToArray()).GetAwaiter().GetResult();
            group.WriteAsync<double>(fields[2], range.Select(i => i % 11 == 0 ? (double?)null : i / 7.0).ToArray()).GetAwaiter().GetResult();
            group.WriteAsync<DateTime>(fields[3], range.Select(i => new DateTime(2019, 10, 4, 0, 0, 0, DateTimeKind.Utc).AddHours(i)).ToArray()).GetAwaiter().GetResult();
            group.WriteAsync<bool>(fields[4], range.Select(i => i % 3 == 0).ToArray()).GetAwaiter().GetResult();
            group.WriteAsync<int>(fields[5], range.Select(i => i % 13 == 0 ? (int?)null : 2000 + i % 25).ToArray()).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return path;
    }

    /// <summary>Every column of a Parquet file, row group by row group: (field, values) and the rows of each group.</summary>
    public static (IReadOnlyList<DataField> Fields, List<object?[]> Columns, List<long> GroupRows) Read(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        var fields = reader.Schema.DataFields;
        var columns = fields.Select(_ => new List<object?>()).ToList();
        var groups = new List<long>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            groups.Add(group.RowCount);
            for (var c = 0; c < fields.Length; c++)
            {
                var values = Classifier.Parquet.ParquetColumns.Read(group, fields[c], (int)group.RowCount);
                foreach (var value in values) columns[c].Add(value);
            }
        }
        reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (fields, [.. columns.Select(c => c.ToArray())], groups);
    }
}
