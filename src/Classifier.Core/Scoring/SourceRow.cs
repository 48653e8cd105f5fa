namespace Classifier.Core.Scoring;

/// <summary>
/// One input record: its fields, 1-based row number (header not counted), the line it starts on, and its
/// position: a number every process computes the same for this record, whatever part of the input it
/// reads (a CSV record's first byte, a Parquet row's 0-based index in the file, a line's 0-based index).
/// The shares' bootstrap weights are keyed by it, so a shard draws for its rows what one process draws.
/// </summary>
internal sealed record SourceRow(long Number, long Line, string[] Fields, long Position);

/// <summary>A record that could not be read: where it is, its raw text and why.</summary>
internal sealed record RowProblem(long Line, string Raw, string Reason);

/// <summary>A stream of input rows with a header, read one at a time (never the whole input).</summary>
internal interface IRowSource : IDisposable
{
    /// <summary>Name of the input, for messages.</summary>
    string Name { get; }

    IReadOnlyList<string> Columns { get; }

    int TextIndex { get; }

    /// <summary>Bytes consumed so far and the total when known, for progress.</summary>
    long Position { get; }

    long? Length { get; }

    SourceRow? Next();
}
