using Classifier.Core.Contract;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Core.Scoring;

/// <summary>
/// A one-column (Text) IDataView over a reusable array of texts. A scoring lane transforms it once
/// and then, batch after batch, swaps the texts in and opens a fresh cursor, so the per-batch cost of
/// building the transform chain is paid once per lane rather than once per batch.
/// </summary>
internal sealed class TextBatchDataView : IDataView
{
    private string[] texts = [];
    private int count;

    public static DataViewSchema TextSchema { get; } = BuildSchema();

    public bool CanShuffle => false;

    public DataViewSchema Schema => TextSchema;

    /// <summary>Points the view at the first <paramref name="length"/> entries of <paramref name="batch"/>.</summary>
    public void Reset(string[] batch, int length)
    {
        texts = batch;
        count = length;
    }

    public long? GetRowCount() => count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(texts, count, columnsNeeded.Any(c => c.Index == 0));

    // One cursor: the lanes, not ML.NET's cursor sets, give the parallelism (and keep the row order).
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private static DataViewSchema BuildSchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(ModelSchema.Text, TextDataViewType.Instance);
        return builder.ToSchema();
    }

    private sealed class Cursor(string[] texts, int count, bool textActive) : DataViewRowCursor
    {
        private long position = -1;

        public override long Position => position;

        public override long Batch => 0;

        public override DataViewSchema Schema => TextSchema;

        public override bool MoveNext()
        {
            if (position + 1 < count)
            {
                position++;
                return true;
            }
            position = count;
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index == 0 && textActive;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != 0 || typeof(TValue) != typeof(ReadOnlyMemory<char>))
                throw new InvalidOperationException($"Only the {ModelSchema.Text} column can be read, as ReadOnlyMemory<char>.");
            ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> value) => value = texts[position].AsMemory();
            return (ValueGetter<TValue>)(Delegate)getter;
        }
    }
}
