using System.Globalization;

namespace Classifier.Reports;

/// <summary>How the stance shares are grouped over time.</summary>
public enum TimeStep
{
    /// <summary>Weeks starting on Monday, for spans up to <see cref="ScoringReport.WeeklyUpToDays"/> days.</summary>
    Week,
    /// <summary>Calendar months, for spans up to <see cref="ScoringReport.MonthlyUpToMonths"/> months.</summary>
    Month,
    /// <summary>Calendar years, for longer spans.</summary>
    Year,
}

/// <summary>
/// Collects what the scoring report shows while rows stream past — label counts, a confidence
/// histogram and, with dates, label counts per day — then draws it. Memory is per label, bin and
/// distinct day, never per row.
/// </summary>
public sealed class ScoringReport
{
    /// <summary>Spans up to this many days are shown by week, longer ones by month.</summary>
    public const int WeeklyUpToDays = 120;

    /// <summary>Spans over this many months are shown by year.</summary>
    public const int MonthlyUpToMonths = 72;

    private readonly IReadOnlyList<string> _labels;
    private readonly long[] _counts;
    private readonly long[][] _bins;
    private readonly double _lowest;
    private readonly SortedDictionary<DateOnly, long[]> _days = new();
    private readonly double[] _confidenceSums;
    private static readonly double[] Thresholds = [0.5, 0.6, 0.8, 0.9];
    private readonly long[] _below = new long[Thresholds.Length];

    /// <summary>An empty report for a model's labels.</summary>
    /// <param name="labels">The model's label names in Score order (at least two).</param>
    /// <param name="bins">Confidence histogram bins between 1/labels and 1.</param>
    public ScoringReport(IReadOnlyList<string> labels, int bins = 20)
    {
        if (labels.Count < 2) throw new ArgumentException("a classifier has at least two labels", nameof(labels));
        _labels = labels;
        _counts = new long[labels.Count];
        _confidenceSums = new double[labels.Count];
        _bins = labels.Select(_ => new long[bins]).ToArray();
        // The top probability of k labels is never below 1/k.
        _lowest = 1.0 / labels.Count;
    }

    /// <summary>Rows added.</summary>
    public long Rows { get; private set; }
    /// <summary>Rows added with an empty or missing date cell (left out of the over-time chart).</summary>
    public long RowsWithoutDate { get; private set; }
    /// <summary>Rows whose date cell could not be read as a date (left out of the over-time chart; see <see cref="FirstBadDate"/>).</summary>
    public long RowsWithBadDate { get; private set; }

    /// <summary>The first date cell that could not be read, to name in the report.</summary>
    public string? FirstBadDate { get; private set; }

    /// <summary>Adds one scored row: its probabilities in label order and, when a date column is used, its date cell.</summary>
    public void Add(IReadOnlyList<float> probabilities, string? date = null)
    {
        var best = 0;
        for (var i = 1; i < probabilities.Count; i++)
        {
            if (probabilities[i] > probabilities[best]) best = i;
        }
        Rows++;
        _counts[best]++;
        _confidenceSums[best] += probabilities[best];
        for (var t = 0; t < Thresholds.Length; t++)
        {
            if (probabilities[best] < Thresholds[t]) _below[t]++;
        }
        var bins = _bins[best].Length;
        var bin = (int)Math.Floor((probabilities[best] - _lowest) / (1 - _lowest) * bins);
        _bins[best][Math.Clamp(bin, 0, bins - 1)]++;

        if (date is null) return;
        if (string.IsNullOrWhiteSpace(date)) { RowsWithoutDate++; return; }
        if (!TryParseDate(date, out var day))
        {
            RowsWithBadDate++;
            FirstBadDate ??= date;
            return;
        }
        if (!_days.TryGetValue(day, out var perLabel)) _days[day] = perLabel = new long[_labels.Count];
        perLabel[best]++;
    }

    /// <summary>Reads a date cell as the share estimates do (<see cref="Classifier.Core.Quantification.ShareGrouping.TryParseDate"/>): ISO dates and date-times, <c>yyyy/MM/dd</c>, <c>yyyy-MM</c>, <c>yyyyMMdd</c>, a year, or anything the invariant culture parses; times are taken in UTC.</summary>
    /// <param name="text">The cell.</param>
    /// <param name="day">The UTC day when it reads.</param>
    public static bool TryParseDate(string text, out DateOnly day) => Classifier.Core.Quantification.ShareGrouping.TryParseDate(text, out day);

    /// <summary>The step for a span of days: week for short spans, month, then year for very long ones.</summary>
    public static TimeStep StepFor(DateOnly first, DateOnly last)
    {
        var days = last.DayNumber - first.DayNumber;
        if (days <= WeeklyUpToDays) return TimeStep.Week;
        var months = (last.Year - first.Year) * 12 + last.Month - first.Month;
        return months <= MonthlyUpToMonths ? TimeStep.Month : TimeStep.Year;
    }

    /// <summary>The label counts per period, every period from the first to the last date (empty ones too).</summary>
    public (TimeStep Step, IReadOnlyList<string> Periods, long[][] Counts) OverTime()
    {
        if (_days.Count == 0) return (TimeStep.Month, [], _labels.Select(_ => Array.Empty<long>()).ToArray());
        var first = _days.Keys.First();
        var last = _days.Keys.Last();
        var step = StepFor(first, last);
        var starts = new List<DateOnly>();
        for (var p = PeriodStart(first, step); p <= last; p = Next(p, step)) starts.Add(p);
        var counts = _labels.Select(_ => new long[starts.Count]).ToArray();
        foreach (var (day, perLabel) in _days)
        {
            var index = starts.BinarySearch(PeriodStart(day, step));
            for (var l = 0; l < perLabel.Length; l++) counts[l][index] += perLabel[l];
        }
        return (step, starts.Select(s => PeriodName(s, step)).ToArray(), counts);
    }

    /// <summary>Draws the figures and writes them with an index.html into <paramref name="folder"/>; returns the files written. With <paramref name="shares"/>, also the corrected shares over time or by group.</summary>
    public IReadOnlyList<string> Write(string folder, string inputName, string modelPath, string? dateColumn, Classifier.Core.Quantification.ShareResults? shares = null)
    {
        var output = new ReportFolder(folder);
        var page = new HtmlPage($"Scoring report: {inputName}");
        page.Table(["", ""], [["input", inputName], ["model", modelPath], ["rows scored", Rows.ToString("N0", CultureInfo.InvariantCulture)], ["labels", string.Join(", ", _labels)]]);

        page.Heading("Predicted labels");
        page.Figure(output.Write("labels.png", Charts.LabelCounts(_labels, _counts, $"Predicted labels ({Rows.ToString("N0", CultureInfo.InvariantCulture)} rows)")),
            "Rows per predicted label.");
        page.Table(["label", "rows", "share", "mean confidence"],
            _labels.Select((l, i) => (IReadOnlyList<string>)[l, N(_counts[i]), Share(_counts[i], Rows), HtmlPage.F(MeanConfidence(i))]));

        page.Heading("Confidence");
        page.Figure(output.Write("confidence.png", Charts.ConfidenceHistogram(_labels, _bins, _lowest, "Confidence of the predicted label")),
            $"Probability of the predicted label, stacked by label; a label's probability is never below {HtmlPage.F(_lowest, "0.00")} with {_labels.Count} labels.");
        page.Table(["confidence", "rows", "share"],
            Thresholds.Select((t, i) => (IReadOnlyList<string>)[$"below {HtmlPage.F(t, "0.0")}", N(_below[i]), Share(_below[i], Rows)]));

        if (dateColumn is not null)
        {
            page.Heading($"Stance over time (column '{dateColumn}')");
            var (step, periods, counts) = OverTime();
            var problems = new List<string>();
            if (RowsWithoutDate > 0) problems.Add($"{N(RowsWithoutDate)} rows without a date");
            if (RowsWithBadDate > 0) problems.Add($"{N(RowsWithBadDate)} rows with an unreadable date (first: '{FirstBadDate}')");
            if (problems.Count > 0) page.Paragraph($"Left out: {string.Join("; ", problems)}.");
            if (periods.Count == 0)
            {
                page.Paragraph("No row had a readable date, so there is no chart over time.");
            }
            else
            {
                var by = step.ToString().ToLowerInvariant();
                page.Figure(output.Write("over-time.png", Charts.ShareOverTime(_labels, periods, counts, $"Share of each label by {by}")),
                    $"Share of rows per predicted label, by {by} ({(step == TimeStep.Week ? "weeks start on Monday" : "calendar periods")}); n is the number of rows in the period.");
                page.Table([by, "rows", .. _labels],
                    periods.Select((p, i) =>
                    {
                        var total = counts.Sum(c => c[i]);
                        return (IReadOnlyList<string>)[p, N(total), .. counts.Select(c => Share(c[i], total))];
                    }));
            }
        }

        if (shares is not null) SharesSection.AddTo(page, output, shares);
        output.Write("index.html", page.ToString());
        return output.Written;
    }

    private double MeanConfidence(int label) => _counts[label] == 0 ? 0 : _confidenceSums[label] / _counts[label];

    private static DateOnly PeriodStart(DateOnly day, TimeStep step) => step switch
    {
        TimeStep.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        TimeStep.Month => new DateOnly(day.Year, day.Month, 1),
        _ => new DateOnly(day.Year, 1, 1),
    };

    private static DateOnly Next(DateOnly start, TimeStep step) => step switch
    {
        TimeStep.Week => start.AddDays(7),
        TimeStep.Month => start.AddMonths(1),
        _ => start.AddYears(1),
    };

    private static string PeriodName(DateOnly start, TimeStep step) => step switch
    {
        TimeStep.Week => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeStep.Month => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => start.ToString("yyyy", CultureInfo.InvariantCulture),
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Share(long part, long whole) => whole == 0 ? "-" : ((double)part / whole).ToString("0.0%", CultureInfo.InvariantCulture);
}
