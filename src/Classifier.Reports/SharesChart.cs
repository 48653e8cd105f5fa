using System.Globalization;
using Classifier.Core.Quantification;
using ScottPlot;
using SkiaSharp;

namespace Classifier.Reports;

/// <summary>
/// Draws share estimates over time (periods of the date column) or across groups: per label, the
/// corrected share as a solid line inside its interval band, and classify-and-count as a dashed line
/// of the same colour, so the correction and its uncertainty are read at a glance.
/// </summary>
internal static class SharesChart
{
    /// <summary>Charts drawn at most; with more groups the largest are drawn and the page says so.</summary>
    public const int MaxCharts = 12;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// One series per chart: by period within each group when there are periods (one chart per group),
    /// else across groups. Only estimated points are drawn; a group or period without an estimate breaks the lines.
    /// </summary>
    public static IReadOnlyList<(string Title, IReadOnlyList<ShareEstimate> Points)> Series(ShareResults results)
    {
        if (results.DateColumn is not null)
        {
            return results.Groups.Where(g => g.Period.Length > 0)
                .GroupBy(g => g.Group, StringComparer.Ordinal)
                .OrderByDescending(g => g.Sum(e => e.N)).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (Title: results.GroupColumn is null ? $"by {results.Period}" : $"{results.GroupColumn} = {g.Key}, by {results.Period}",
                    Points: (IReadOnlyList<ShareEstimate>)g.OrderBy(e => e.Period, StringComparer.Ordinal).ToArray()))
                .ToArray();
        }
        return [(results.GroupColumn is null ? "all texts" : $"by {results.GroupColumn}", results.Groups)];
    }

    /// <summary>The chart of one series as PNG bytes: one panel per label, stacked, so the bands do not hide each other.</summary>
    public static byte[] Draw(ShareResults results, IReadOnlyList<ShareEstimate> points, string title)
    {
        var width = Math.Max(760, 56 * points.Count + 360);
        var panels = new List<SKBitmap>();
        try
        {
            for (var l = 0; l < results.Labels.Count; l++)
            {
                var png = Panel(results, points, l, l == 0 ? $"{title}: {results.Labels[l]}" : results.Labels[l], width, last: l == results.Labels.Count - 1);
                panels.Add(SKBitmap.Decode(png));
            }
            using var sheet = new SKBitmap(width, panels.Sum(p => p.Height));
            using (var canvas = new SKCanvas(sheet))
            {
                canvas.Clear(SKColors.White);
                var y = 0;
                foreach (var panel in panels)
                {
                    canvas.DrawBitmap(panel, 0, y);
                    y += panel.Height;
                }
            }
            using var image = SKImage.FromBitmap(sheet);
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            return data.ToArray();
        }
        finally
        {
            foreach (var panel in panels) panel.Dispose();
        }
    }

    private static byte[] Panel(ShareResults results, IReadOnlyList<ShareEstimate> points, int l, string title, int width, bool last)
    {
        var plot = new Plot();
        plot.Font.Set(Charts.FontName);
        plot.Title(title);
        var percent = (results.Confidence * 100).ToString("0.#", Inv);
        var color = Charts.LabelColor(l);
        var first = true;
        foreach (var run in Runs(points))
        {
            var xs = run.Select(i => (double)i).ToArray();
            var low = run.Select(i => points[i].Labels[l].CiLow!.Value).ToArray();
            var high = run.Select(i => points[i].Labels[l].CiHigh!.Value).ToArray();
            if (xs.Length > 1)
            {
                var band = plot.Add.FillY(xs, low, high);
                band.FillColor = color.WithAlpha(0.22);
                band.LineWidth = 0;
            }
            else
            {
                // One point: the band is an error bar.
                var bar = plot.Add.Line(xs[0], low[0], xs[0], high[0]);
                bar.Color = color.WithAlpha(0.45);
                bar.LineWidth = 10;
            }
            var corrected = plot.Add.Scatter(xs, run.Select(i => points[i].Labels[l].Share!.Value).ToArray());
            corrected.Color = color;
            corrected.LineWidth = 2.5f;
            corrected.MarkerSize = 7;
            var counted = plot.Add.Scatter(xs, run.Select(i => points[i].Labels[l].CcShare!.Value).ToArray());
            counted.Color = Colors.Black.WithAlpha(0.65);
            counted.LineWidth = 1.5f;
            counted.MarkerSize = 4;
            counted.LinePattern = LinePattern.Dashed;
            if (first)
            {
                corrected.LegendText = $"corrected ({results.Method}), {percent}% band";
                counted.LegendText = "classify & count";
                first = false;
            }
        }
        for (var i = 0; i < points.Count; i++)
        {
            var n = plot.Add.Text(points[i].Estimated ? $"n={points[i].N.ToString("N0", Inv)}" : $"n={points[i].N.ToString("N0", Inv)}, no estimate", i, 1.0);
            n.LabelAlignment = Alignment.LowerCenter;
            n.LabelFontSize = 10;
        }
        plot.ShowLegend(Edge.Right);
        var step = Math.Max(1, (int)Math.Ceiling(points.Count / 16.0));
        var ticks = Enumerable.Range(0, points.Count).Where(p => p % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks.Select(p => (double)p).ToArray(), last ? ticks.Select(p => Name(points[p], results)).ToArray() : ticks.Select(_ => "").ToArray());
        var rotate = last && points.Count > 6;
        plot.Axes.Bottom.TickLabelStyle.Rotation = rotate ? 45 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = rotate ? Alignment.MiddleLeft : Alignment.UpperCenter;
        if (rotate) plot.Axes.Bottom.MinimumSize = 80;
        plot.Axes.Left.SetTicks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"]);
        plot.Axes.SetLimits(-0.5, Math.Max(0.5, points.Count - 0.5), 0, 1.1);
        plot.YLabel("share");
        // Equal data areas: the legend's width is fixed by its longest entry, which is the same in every panel.
        plot.Layout.Fixed(new PixelPadding(70, 250, rotate ? 90 : 30, 40));
        return plot.GetImage(width, rotate ? 330 : 270).GetImageBytes(ImageFormat.Png);
    }

    private static string Name(ShareEstimate point, ShareResults results) =>
        results.DateColumn is not null ? point.Period : point.Period.Length > 0 ? $"{point.Group} {point.Period}" : point.Group;

    /// <summary>Runs of consecutive estimated points.</summary>
    private static IEnumerable<int[]> Runs(IReadOnlyList<ShareEstimate> points)
    {
        var run = new List<int>();
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Estimated) run.Add(i);
            else if (run.Count > 0)
            {
                yield return [.. run];
                run.Clear();
            }
        }
        if (run.Count > 0) yield return [.. run];
    }
}

/// <summary>The shares section of the scoring report: the charts and a table of every group.</summary>
internal static class SharesSection
{
    public static void AddTo(HtmlPage page, ReportFolder output, ShareResults results)
    {
        var inv = CultureInfo.InvariantCulture;
        var percent = (results.Confidence * 100).ToString("0.#", inv);
        page.Heading("Label shares, corrected");
        page.Paragraph($"Corrected shares ({results.Method}) with {percent}% intervals ({results.Replicates:N0} bootstrap replicates of the texts and of the error rates, seed {results.Seed}); " +
            $"error rates from {results.ErrorRates}. Dashed lines: classify and count. The correction assumes the model makes the same errors on this corpus as where its error rates were measured (docs/shares.md).");
        var series = SharesChart.Series(results);
        for (var i = 0; i < Math.Min(series.Count, SharesChart.MaxCharts); i++)
        {
            var (title, points) = series[i];
            if (points.Count == 0) continue;
            page.Figure(output.Write($"shares-{i + 1}.png", SharesChart.Draw(results, points, $"Label shares, {title}")),
                $"Corrected share of each label (solid, with its {percent}% band) beside classify and count (dashed), {title}; n is the number of texts.");
        }
        if (series.Count > SharesChart.MaxCharts)
            page.Paragraph($"{series.Count - SharesChart.MaxCharts} more groups are in the table and the shares file, not drawn.");
        page.Table(["group", "period", "n", .. results.Labels.SelectMany(l => new[] { $"{l} cc", $"{l} share ({percent}% interval)" }), "note"],
            results.Groups.Select(g => (IReadOnlyList<string>)[g.Group, g.Period, g.N.ToString("N0", inv),
                .. g.Labels.SelectMany(l => new[] { P(l.CcShare), l.Share is null ? "" : $"{P(l.Share)} ({P(l.CiLow)}-{P(l.CiHigh)})" }), g.Note]));
    }

    private static string P(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "";
}
