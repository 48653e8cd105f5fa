using System.Globalization;
using ScottPlot;

namespace Classifier.Reports;

/// <summary>
/// The report figures, drawn with ScottPlot (SkiaSharp, headless) and returned as PNG bytes so the
/// caller decides how to write them. Labels are drawn in the order given.
/// </summary>
internal static class Charts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One colour per label, stable across figures.</summary>
    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
    ];

    private static readonly Color[] MetricColors = [Color.FromHex("#4c72b0"), Color.FromHex("#dd8452"), Color.FromHex("#55a868")];

    /// <summary>DejaVu Sans when installed (fonts-dejavu-core); ScottPlot's own pick otherwise, which may be a serif.</summary>
    internal static readonly string FontName =
        Fonts.GetTypeface("DejaVu Sans", false, false).FamilyName == "DejaVu Sans" ? "DejaVu Sans" : Fonts.Sans;

    public static Color LabelColor(int index) => Palette[index % Palette.Length];

    /// <summary>
    /// Confusion matrix, rows = truth, columns = predicted, each cell with its count and its share of
    /// the true row; the shade is that share, so a rare label's row is as readable as a common one.
    /// </summary>
    public static byte[] ConfusionMatrix(IReadOnlyList<string> labels, int[][] matrix, string title)
    {
        var plot = NewPlot(title);
        var k = labels.Count;
        var low = Color.FromHex("#f7fbff");
        var high = Color.FromHex("#08306b");
        for (var row = 0; row < k; row++)
        {
            var total = Math.Max(1, matrix[row].Sum());
            for (var col = 0; col < k; col++)
            {
                var share = (double)matrix[row][col] / total;
                // Truth row 0 at the top, as in the console tables.
                var y = k - 1 - row;
                var cell = plot.Add.Rectangle(col - 0.5, col + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = Mix(low, high, share);
                cell.LineColor = Colors.White;
                cell.LineWidth = 2;
                var text = plot.Add.Text($"{matrix[row][col]}\n{share.ToString("0%", Inv)}", col, y);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 18;
                text.LabelBold = row == col;
                text.LabelFontColor = share > 0.5 ? Colors.White : Colors.Black;
            }
        }
        var positions = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, [.. labels]);
        plot.Axes.Left.SetTicks(positions, labels.Reverse().ToArray());
        plot.XLabel("predicted");
        plot.YLabel("truth");
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.HideGrid();
        return Png(plot, 140 + 150 * k, 110 + 120 * k);
    }

    /// <summary>Precision, recall and F1 per label as grouped bars with their values; optional ± sd error bars.</summary>
    public static byte[] ClassMetrics(
        IReadOnlyList<string> labels, IReadOnlyList<double> precision, IReadOnlyList<double> recall, IReadOnlyList<double> f1,
        string title, IReadOnlyList<double>[]? sd = null)
    {
        var plot = NewPlot(title);
        var series = new[] { ("precision", precision), ("recall", recall), ("F1", f1) };
        var bars = new List<Bar>();
        for (var c = 0; c < labels.Count; c++)
        {
            for (var m = 0; m < series.Length; m++)
            {
                var value = series[m].Item2[c];
                bars.Add(new Bar
                {
                    Position = c * 4 + m,
                    Value = value,
                    Error = sd?[m][c] ?? 0,
                    FillColor = MetricColors[m],
                    Label = value.ToString("0.00", Inv),
                    // Above the bar the label would collide with the error whisker.
                    CenterLabel = sd is not null,
                    Size = 0.9,
                });
            }
        }
        plot.Add.Bars(bars);
        for (var m = 0; m < series.Length; m++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[m].Item1, FillColor = MetricColors[m] });
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend();
        plot.Axes.Bottom.SetTicks(labels.Select((_, c) => c * 4 + 1.0).ToArray(), [.. labels]);
        plot.Axes.Left.SetTicks([0, 0.2, 0.4, 0.6, 0.8, 1], ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        plot.Axes.SetLimits(-0.8, labels.Count * 4 - 1.2, 0, 1.25);
        plot.YLabel("score (0 to 1)");
        return Png(plot, Math.Max(560, 200 * labels.Count + 160), 420);
    }

    /// <summary>Rows per label, each bar with its count and share.</summary>
    public static byte[] LabelCounts(IReadOnlyList<string> labels, IReadOnlyList<long> counts, string title)
    {
        var plot = NewPlot(title);
        var total = Math.Max(1, counts.Sum());
        var bars = labels.Select((l, i) => new Bar
        {
            Position = i,
            Value = counts[i],
            FillColor = LabelColor(i),
            Label = $"{counts[i].ToString("N0", Inv)} ({((double)counts[i] / total).ToString("0%", Inv)})",
            Size = 0.7,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(labels.Select((_, i) => (double)i).ToArray(), [.. labels]);
        plot.Axes.SetLimits(-0.6, labels.Count - 0.4, 0, Math.Max(1, counts.Max()) * 1.15);
        plot.YLabel("rows");
        return Png(plot, Math.Max(480, 150 * labels.Count + 160), 400);
    }

    /// <summary>
    /// How sure the model was: the top probability of each row in equal-width bins, stacked by the
    /// predicted label. <paramref name="bins"/>[label][bin] counts rows; bins span [1/k, 1].
    /// </summary>
    public static byte[] ConfidenceHistogram(IReadOnlyList<string> labels, long[][] bins, double lowest, string title)
    {
        var plot = NewPlot(title);
        var count = bins[0].Length;
        var width = (1 - lowest) / count;
        var baseLine = new double[count];
        for (var l = 0; l < labels.Count; l++)
        {
            var bars = new List<Bar>();
            for (var b = 0; b < count; b++)
            {
                if (bins[l][b] == 0) continue;
                bars.Add(new Bar
                {
                    Position = lowest + (b + 0.5) * width,
                    ValueBase = baseLine[b],
                    Value = baseLine[b] + bins[l][b],
                    FillColor = LabelColor(l),
                    Size = width * 0.95,
                    LineWidth = 0,
                });
                baseLine[b] += bins[l][b];
            }
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = labels[l], FillColor = LabelColor(l) });
        }
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.ShowLegend();
        plot.Axes.SetLimits(lowest, 1, 0, Math.Max(1, baseLine.Max()) * 1.1);
        plot.XLabel("confidence (probability of the predicted label)");
        plot.YLabel("rows");
        return Png(plot, 640, 400);
    }

    /// <summary>Share of each label per period as stacked bars (each bar sums to 100%), with the row count on top.</summary>
    public static byte[] ShareOverTime(IReadOnlyList<string> labels, IReadOnlyList<string> periods, long[][] counts, string title)
    {
        var plot = NewPlot(title);
        var totals = periods.Select((_, p) => counts.Sum(c => c[p])).ToArray();
        var baseLine = new double[periods.Count];
        for (var l = 0; l < labels.Count; l++)
        {
            var bars = new List<Bar>();
            for (var p = 0; p < periods.Count; p++)
            {
                var share = totals[p] == 0 ? 0 : (double)counts[l][p] / totals[p];
                bars.Add(new Bar
                {
                    Position = p,
                    ValueBase = baseLine[p],
                    Value = baseLine[p] + share,
                    FillColor = LabelColor(l),
                    Size = 0.8,
                    LineWidth = 0,
                });
                baseLine[p] += share;
            }
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = labels[l], FillColor = LabelColor(l) });
        }
        for (var p = 0; p < periods.Count; p++)
        {
            var n = plot.Add.Text($"n={totals[p].ToString("N0", Inv)}", p, 1.0);
            n.LabelAlignment = Alignment.LowerCenter;
            n.LabelFontSize = 11;
        }
        // Outside the data area: every bar reaches 100%, so any corner would hide one.
        plot.ShowLegend(Edge.Right);
        // Long runs of periods: label every n-th so the ticks stay legible.
        var step = Math.Max(1, (int)Math.Ceiling(periods.Count / 16.0));
        var ticks = Enumerable.Range(0, periods.Count).Where(p => p % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks.Select(p => (double)p).ToArray(), ticks.Select(p => periods[p]).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = periods.Count > 6 ? 45 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = periods.Count > 6 ? Alignment.MiddleLeft : Alignment.UpperCenter;
        // Room for the rotated period names, which ScottPlot does not measure.
        if (periods.Count > 6) plot.Axes.Bottom.MinimumSize = 80;
        plot.Axes.Left.SetTicks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"]);
        plot.Axes.SetLimits(-0.6, periods.Count - 0.4, 0, 1.08);
        plot.YLabel("share of rows");
        return Png(plot, Math.Max(720, 46 * periods.Count + 360), 460);
    }

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title);
        return plot;
    }

    private static byte[] Png(Plot plot, int width, int height) =>
        plot.GetImage(width, height).GetImageBytes(ImageFormat.Png);

    private static Color Mix(Color from, Color to, double t)
    {
        t = Math.Clamp(t, 0, 1);
        byte Lerp(byte a, byte b) => (byte)Math.Round(a + (b - a) * t);
        return new Color(Lerp(from.R, to.R), Lerp(from.G, to.G), Lerp(from.B, to.B));
    }
}
