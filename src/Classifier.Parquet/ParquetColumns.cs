using System.Globalization;
using System.Reflection;
using Parquet;
using Parquet.Schema;

namespace Classifier.Parquet;

/// <summary>
/// Reads and writes the flat columns of a row group whatever their type (the input's columns go to
/// the output as they came: same field, same values), and formats a value as CSV text.
/// </summary>
internal static class ParquetColumns
{
    private static readonly MethodInfo ReadValues = typeof(ParquetColumns).GetMethod(nameof(ReadValuesAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ReadNullables = typeof(ParquetColumns).GetMethod(nameof(ReadNullablesAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo WriteValues = typeof(ParquetColumns).GetMethod(nameof(WriteValuesAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo WriteNullables = typeof(ParquetColumns).GetMethod(nameof(WriteNullablesAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>True for string columns (Parquet.Net 6 reports them as ReadOnlyMemory&lt;char&gt;).</summary>
    public static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private static bool IsBytes(DataField field) => field.ClrType == typeof(byte[]) || field.ClrType == typeof(ReadOnlyMemory<byte>);

    /// <summary>The element type of the array a column is held in (string, byte[], T or T?).</summary>
    public static Type ElementType(DataField field)
    {
        if (IsText(field)) return typeof(string);
        if (IsBytes(field)) return typeof(byte[]);
        return field.IsNullable ? typeof(Nullable<>).MakeGenericType(field.ClrType) : field.ClrType;
    }

    /// <summary>
    /// How Parquet.Net is run here: its pooled streams may keep at most this many free bytes (unbounded
    /// by default, which made a run's memory grow with the row groups seen rather than with one).
    /// </summary>
    public static ParquetOptions Options { get; } = new()
    {
        MaximumSmallPoolFreeBytes = 16 << 20,
        MaximumLargePoolFreeBytes = 64 << 20,
    };

    /// <summary>Reads <paramref name="field"/> of a row group into a new array of <paramref name="rows"/> elements.</summary>
    public static Array Read(ParquetRowGroupReader group, DataField field, int rows) => Read(group, field, rows, null);

    /// <summary>
    /// Reads <paramref name="field"/> of a row group into <paramref name="buffer"/> when it is of the
    /// column's element type and holds at least <paramref name="rows"/> elements (row groups then reuse
    /// one array per column, off the large-object heap's churn), else into a new array.
    /// </summary>
    public static Array Read(ParquetRowGroupReader group, DataField field, int rows, Array? buffer)
    {
        var type = ElementType(field);
        var values = buffer is not null && buffer.GetType().GetElementType() == type && buffer.Length >= rows ? buffer : Array.CreateInstance(type, rows);
        switch (values)
        {
            case string?[] texts:
                group.ReadAsync(field, texts.AsMemory(0, rows)).GetAwaiter().GetResult();
                return values;
            case byte[]?[] bytes:
                group.ReadAsync(field, bytes.AsMemory(0, rows)).GetAwaiter().GetResult();
                return values;
        }
        var method = (field.IsNullable ? ReadNullables : ReadValues).MakeGenericMethod(field.ClrType);
        ((Task)method.Invoke(null, [group, field, values, rows])!).GetAwaiter().GetResult();
        return values;
    }

    /// <summary>Writes the first <paramref name="count"/> elements of <paramref name="values"/> as <paramref name="field"/>.</summary>
    public static void Write(ParquetRowGroupWriter group, DataField field, Array values, int count) => Write(group, field, values, 0, count);

    /// <summary>Writes <paramref name="count"/> elements of <paramref name="values"/> from <paramref name="offset"/> as <paramref name="field"/>.</summary>
    public static void Write(ParquetRowGroupWriter group, DataField field, Array values, int offset, int count)
    {
        switch (values)
        {
            case string?[] texts:
                group.WriteAsync(field, new ArraySegment<string?>(texts, offset, count)!).GetAwaiter().GetResult();
                return;
            case byte[]?[] bytes:
                group.WriteAsync(field, new ArraySegment<byte[]?>(bytes, offset, count)!).GetAwaiter().GetResult();
                return;
        }
        var method = (field.IsNullable ? WriteNullables : WriteValues).MakeGenericMethod(field.ClrType);
        ((Task)method.Invoke(null, [group, field, values, offset, count])!).GetAwaiter().GetResult();
    }

    /// <summary>A value as CSV text: invariant culture, round-trip numbers, ISO 8601 dates, base64 bytes, "" for null.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("o", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("o", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static async Task ReadValuesAsync<T>(ParquetRowGroupReader group, DataField field, Array values, int rows) where T : struct =>
        await group.ReadAsync<T>(field, ((T[])values).AsMemory(0, rows));

    private static async Task ReadNullablesAsync<T>(ParquetRowGroupReader group, DataField field, Array values, int rows) where T : struct =>
        await group.ReadAsync<T>(field, ((T?[])values).AsMemory(0, rows));

    private static Task WriteValuesAsync<T>(ParquetRowGroupWriter group, DataField field, Array values, int offset, int count) where T : struct =>
        group.WriteAsync<T>(field, new ReadOnlyMemory<T>((T[])values, offset, count));

    private static Task WriteNullablesAsync<T>(ParquetRowGroupWriter group, DataField field, Array values, int offset, int count) where T : struct =>
        group.WriteAsync<T>(field, new ReadOnlyMemory<T?>((T?[])values, offset, count));
}
