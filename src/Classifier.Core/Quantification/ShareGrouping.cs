using System.Globalization;
using Classifier.Core.Scoring;

namespace Classifier.Core.Quantification;

/// <summary>The length of the periods a date column is cut into.</summary>
public enum SharePeriod
{
    /// <summary>Weeks starting on Monday, named by the Monday (yyyy-MM-dd).</summary>
    Week,

    /// <summary>Calendar months (yyyy-MM).</summary>
    Month,

    /// <summary>Calendar quarters (yyyy-Qn).</summary>
    Quarter,

    /// <summary>Calendar years (yyyy).</summary>
    Year,
}

/// <summary>How scored texts are split into groups: by the value of a column, by period of a date column, both, or neither (one group "all").</summary>
public sealed record ShareGrouping
{
    private static readonly string[] DateFormats =
        ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss", "yyyy/MM/dd", "yyyy-MM", "yyyyMMdd", "yyyy"];

    /// <summary>The column whose values name the groups (outlet, speaker, country); null for none.</summary>
    public string? GroupColumn { get; init; }

    /// <summary>A date column; its dates are cut into <see cref="Period"/>s. Null for none.</summary>
    public string? DateColumn { get; init; }

    /// <summary>The period of <see cref="DateColumn"/> (month by default).</summary>
    public SharePeriod Period { get; init; } = SharePeriod.Month;

    /// <summary>True when texts are split at all.</summary>
    public bool Splits => GroupColumn is not null || DateColumn is not null;

    /// <summary>The period's name in the shares file.</summary>
    public string PeriodName => Period.ToString().ToLowerInvariant();

    /// <summary>Reads a date cell: ISO dates and date-times (with or without a zone, taken as UTC when none), year-month, or a year.</summary>
    public static bool TryParseDate(string text, out DateOnly day)
    {
        text = text.Trim();
        if (DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out exact))
        {
            day = DateOnly.FromDateTime(exact.UtcDateTime);
            return true;
        }
        day = default;
        return false;
    }

    /// <summary>The name of the period <paramref name="day"/> falls in; names sort in time order.</summary>
    public static string PeriodOf(DateOnly day, SharePeriod period) => period switch
    {
        SharePeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        SharePeriod.Month => day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        SharePeriod.Quarter => $"{day.Year:D4}-Q{(day.Month - 1) / 3 + 1}",
        _ => day.Year.ToString("D4", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Feeds a scoring run's texts into a <see cref="ShareEstimator"/>, each in its group and period.
/// A date that cannot be read puts the text in the period "" with a note (or, when strict, stops the
/// run naming the file, row and column).
/// </summary>
internal sealed class ShareCollector(ShareEstimator estimator, ShareGrouping grouping, bool strict) : IScoredUnitSink
{
    private int _groupIndex = -1;
    private int _dateIndex = -1;
    private string _source = "";
    private SourceRow? _lastRow;
    private (string Group, string Period, string Note) _lastKey;

    /// <summary>The estimator fed.</summary>
    public ShareEstimator Estimator => estimator;

    /// <summary>Texts whose row had an empty date cell.</summary>
    public long WithoutDate { get; private set; }

    /// <summary>Texts whose row had a date that could not be read.</summary>
    public long BadDate { get; private set; }

    /// <summary>The first unreadable date, with its row, for the summary.</summary>
    public string? FirstBadDate { get; private set; }

    /// <inheritdoc />
    public void Begin(string sourceName, IReadOnlyList<string> columns)
    {
        _source = sourceName;
        if (grouping.GroupColumn is { } group) _groupIndex = Find(columns, group, "--group-by");
        if (grouping.DateColumn is { } date) _dateIndex = Find(columns, date, "--date-column");
    }

    /// <summary>Index of the --group-by column among the input's columns (after <see cref="Begin"/>), or -1.</summary>
    public int GroupIndex => _groupIndex;

    /// <summary>Index of the --date-column among the input's columns (after <see cref="Begin"/>), or -1.</summary>
    public int DateIndex => _dateIndex;

    /// <summary>Counts another shard's rows without a date (its <see cref="WithoutDate"/>, <see cref="BadDate"/>, <see cref="FirstBadDate"/>), as merge does after adding its state; call in shard order.</summary>
    public void AddDateCounts(long withoutDate, long badDate, string? firstBadDate)
    {
        WithoutDate += withoutDate;
        BadDate += badDate;
        FirstBadDate ??= firstBadDate;
    }

    /// <inheritdoc />
    public void Add(SourceRow row, int unit, int predicted, ReadOnlySpan<float> probabilities)
    {
        if (!grouping.Splits)
        {
            estimator.Add(row.Position, unit, predicted, probabilities);
            return;
        }
        // A row's sentences arrive together: its key is worked out once.
        if (!ReferenceEquals(row, _lastRow))
        {
            _lastKey = KeyOf(row.Number, row.Line, _groupIndex >= 0 ? row.Fields[_groupIndex] : null, _dateIndex >= 0 ? row.Fields[_dateIndex] : null);
            _lastRow = row;
        }
        estimator.Add(_lastKey.Group, _lastKey.Period, row.Position, unit, predicted, probabilities, _lastKey.Note);
    }

    /// <summary>
    /// One scored text given by its cells rather than a <see cref="SourceRow"/> (writers that hold columns,
    /// such as Parquet output): the row's position, number and line, and its --group-by and --date-column
    /// cells (null when the option is not given).
    /// </summary>
    public void Add(long position, long number, long line, string? groupCell, string? dateCell, int predicted, ReadOnlySpan<float> probabilities)
    {
        _lastRow = null;
        if (!grouping.Splits)
        {
            estimator.Add(position, 0, predicted, probabilities);
            return;
        }
        var (group, period, note) = KeyOf(number, line, groupCell, dateCell);
        estimator.Add(group, period, position, 0, predicted, probabilities, note);
    }

    private (string Group, string Period, string Note) KeyOf(long number, long line, string? groupCell, string? dateCell)
    {
        var group = _groupIndex >= 0 ? groupCell ?? "" : ShareEstimator.AllGroup;
        if (_dateIndex < 0) return (group, "", "");
        var cell = dateCell ?? "";
        if (string.IsNullOrWhiteSpace(cell))
        {
            if (strict) throw ClassifierException.Input($"{_source}: row {number} (line {line}), column '{grouping.DateColumn}': empty date (--strict).");
            WithoutDate++;
            return (group, "", $"no readable date in '{grouping.DateColumn}'");
        }
        if (!ShareGrouping.TryParseDate(cell, out var day))
        {
            if (strict) throw ClassifierException.Input($"{_source}: row {number} (line {line}), column '{grouping.DateColumn}': '{cell}' is not a date (--strict).");
            BadDate++;
            FirstBadDate ??= $"'{cell}' in row {number}";
            return (group, "", $"no readable date in '{grouping.DateColumn}'");
        }
        return (group, ShareGrouping.PeriodOf(day, grouping.Period), "");
    }

    private int Find(IReadOnlyList<string> columns, string name, string option) =>
        CsvRowSource.FindColumn(columns, name)
        ?? throw ClassifierException.Arguments($"{_source}: {option} '{name}' is not a column (columns found: {string.Join(", ", columns.Select(c => $"'{c}'"))}).");
}
