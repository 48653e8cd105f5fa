using System.Diagnostics;

namespace Classifier.Core.Scoring;

/// <summary>
/// A one-line progress report rewritten in place (carriage return) at most twice a second: rows done,
/// rows/s and, when the input size is known, percent and time left. Only for a terminal.
/// </summary>
/// <param name="output">The terminal to write to (standard error, so it never mixes with scored output).</param>
public sealed class ProgressLine(TextWriter output)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long lastTick = -1;
    private bool written;

    /// <summary>Rewrites the line if half a second has passed since the last time.</summary>
    /// <param name="rows">Rows scored so far.</param>
    /// <param name="position">Bytes of the input read so far.</param>
    /// <param name="length">The input's length in bytes, or null when unknown (standard input).</param>
    public void Report(long rows, long position, long? length)
    {
        var now = clock.ElapsedMilliseconds;
        if (lastTick >= 0 && now - lastTick < 500) return;
        lastTick = now;
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        var line = $"{rows:N0} rows, {rows / seconds:N0} rows/s";
        if (length is > 0 && position > 0)
        {
            var fraction = Math.Clamp(position / (double)length.Value, 0, 1);
            var left = TimeSpan.FromSeconds(seconds * (1 - fraction) / Math.Max(fraction, 1e-6));
            line += $", {fraction:P0}, {left:hh\\:mm\\:ss} left";
        }
        output.Write($"\r{line,-72}");
        output.Flush();
        written = true;
    }

    /// <summary>Clears the line so the summary starts on a clean one.</summary>
    public void Finish()
    {
        if (!written) return;
        output.Write($"\r{new string(' ', 72)}\r");
        output.Flush();
    }
}
