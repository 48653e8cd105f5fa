namespace Classifier.Core.Scoring;

/// <summary>Counts the malformed rows skipped and, when given a writer, records line, raw content and reason.</summary>
internal sealed class RowProblemLog(IRecordWriter? writer = null)
{
    public static IReadOnlyList<string> Columns { get; } = ["line", "raw", "reason"];

    private bool headerWritten;

    public long Count { get; private set; }

    public void Add(RowProblem problem)
    {
        Count++;
        if (writer is null) return;
        if (!headerWritten)
        {
            writer.Header(Columns);
            headerWritten = true;
        }
        writer.Integer(problem.Line);
        writer.Text(problem.Raw);
        writer.Text(problem.Reason);
        writer.EndRecord();
    }

    /// <summary>Writes the header even when nothing went wrong, so an errors file is always a valid CSV.</summary>
    public void Complete()
    {
        if (writer is null || headerWritten) return;
        writer.Header(Columns);
        headerWritten = true;
    }
}
