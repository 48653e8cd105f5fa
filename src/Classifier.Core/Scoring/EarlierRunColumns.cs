namespace Classifier.Core.Scoring;

/// <summary>
/// Drops from a source the columns a scoring run writes itself (<c>predicted_label</c>, <c>confidence</c>,
/// <c>p_*</c>, ...), so re-scoring a scored file replaces the earlier run's columns instead of writing
/// each name twice (and JSONL objects with duplicate keys). The text column is always kept.
/// </summary>
internal sealed class EarlierRunColumns : IRowSource
{
    private readonly IRowSource _inner;
    private readonly int[] _kept;

    private EarlierRunColumns(IRowSource inner, int[] kept)
    {
        _inner = inner;
        _kept = kept;
        Columns = [.. kept.Select(i => inner.Columns[i])];
        TextIndex = Array.IndexOf(kept, inner.TextIndex);
    }

    /// <summary>The source without the columns in <paramref name="written"/> (the source itself when none collide).</summary>
    public static IRowSource Drop(IRowSource source, IReadOnlyList<string> written, Action<string>? note)
    {
        var names = new HashSet<string>(written, StringComparer.Ordinal);
        var kept = Enumerable.Range(0, source.Columns.Count).Where(i => i == source.TextIndex || !names.Contains(source.Columns[i])).ToArray();
        if (kept.Length == source.Columns.Count) return source;
        var dropped = Enumerable.Range(0, source.Columns.Count).Except(kept).Select(i => source.Columns[i]);
        note?.Invoke($"note: {source.Name}: columns {string.Join(", ", dropped)} come from an earlier scoring run; this run's values replace them.");
        return new EarlierRunColumns(source, kept);
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public IReadOnlyList<string> Columns { get; }

    /// <inheritdoc />
    public int TextIndex { get; }

    /// <inheritdoc />
    public long Position => _inner.Position;

    /// <inheritdoc />
    public long? Length => _inner.Length;

    /// <inheritdoc />
    public SourceRow? Next()
    {
        if (_inner.Next() is not { } row) return null;
        var fields = new string[_kept.Length];
        for (var i = 0; i < _kept.Length; i++) fields[i] = row.Fields[_kept[i]];
        return row with { Fields = fields };
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
