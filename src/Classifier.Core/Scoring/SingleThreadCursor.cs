using Microsoft.ML;

namespace Classifier.Core.Scoring;

/// <summary>
/// One plain cursor through a transformed view, on the calling thread. <c>GetRowCursor</c> on an
/// ML.NET transform may split its input over worker threads (DataViewUtils splitter + consolidator)
/// whenever the machine has several cores; where the callers already use every core, that splitting
/// only adds hand-offs and spin-waits (measured: about half the CPU time of a scoring run). Asking
/// for a cursor set of one keeps every transform on the calling thread.
/// </summary>
internal static class SingleThreadCursor
{
    public static DataViewRowCursor Open(IDataView view, IEnumerable<DataViewSchema.Column> columns)
    {
        var needed = columns.ToArray();
        var cursors = view.GetRowCursorSet(needed, 1);
        if (cursors.Length == 1) return cursors[0];
        foreach (var extra in cursors) extra.Dispose();
        return view.GetRowCursor(needed);
    }
}
