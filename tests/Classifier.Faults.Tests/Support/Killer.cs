using System.Diagnostics;

namespace Classifier.Faults.Tests.Support;

/// <summary>Starts the real program and kills it with SIGKILL (kill -9) at a chosen instant.</summary>
public static class Killer
{
    /// <summary>
    /// Starts <paramref name="dll"/>, waits until <paramref name="armed"/> says so (polled every 2 ms; a line of
    /// its standard output is passed in when one arrives), then after <paramref name="delay"/> kills it with
    /// SIGKILL. Returns whether the process had already exited on its own before the kill.
    /// </summary>
    public static bool RunAndKill(string dll, IEnumerable<string> args, Func<string?, bool> armed, TimeSpan delay)
    {
        using var process = RealProgram.Start(dll, args);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        while (!process.HasExited && watch.Elapsed < TimeSpan.FromSeconds(120))
        {
            var fired = armed(null);
            while (!fired && lines.TryDequeue(out var line)) fired = armed(line);
            if (fired) break;
            Thread.Sleep(2);
        }
        var due = Stopwatch.StartNew();
        while (due.Elapsed < delay && !process.HasExited) Thread.SpinWait(200);
        var exited = process.HasExited;
        if (!exited) Kill9(process);
        process.WaitForExit();
        return exited;
    }

    /// <summary>SIGKILL: no handler, no finally block, no flush runs.</summary>
    public static void Kill9(Process process)
    {
        using var kill = Process.Start("kill", ["-9", process.Id.ToString()])!;
        kill.WaitForExit();
    }

    /// <summary>Runs the program to completion; returns the seconds from start to the first line matching each of <paramref name="marks"/> (-1 if none) and to exit.</summary>
    public static (double[] Marks, double Exit) Time(string dll, IEnumerable<string> args, params Func<string, bool>[] marks)
    {
        var watch = Stopwatch.StartNew();
        using var process = RealProgram.Start(dll, args);
        var at = marks.Select(_ => -1.0).ToArray();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            for (var i = 0; i < marks.Length; i++)
                if (at[i] < 0 && marks[i](e.Data)) at[i] = watch.Elapsed.TotalSeconds;
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return (at, watch.Elapsed.TotalSeconds);
    }
}
