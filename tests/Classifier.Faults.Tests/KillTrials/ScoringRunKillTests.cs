using System.Collections.Concurrent;
using System.Diagnostics;
using Classifier.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Classifier.Faults.Tests.KillTrials;

/// <summary>
/// kill -9 at random instants of a scoring run (20 trials of the real program on 5,000 rows, two at a time):
/// the output is the old file or the whole new one, and the input is byte-identical.
/// </summary>
public sealed class ScoringRunKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Trials = 20;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // The output's temporary file once it holds bytes (the empty probe of the writability check does not count).
    private static bool Writing(string folder) => Directory.EnumerateFiles(folder, ".scored.csv.*.tmp").Any(f => new FileInfo(f) is { Exists: true, Length: > 0 });

    [Fact]
    public void a_kill_at_any_instant_of_a_scoring_run_leaves_the_old_output_or_the_whole_new_one()
    {
        var corpus = "id,text\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i},\"Row {i}: police, warrants and encryption; backdoors weaken everyone's security.\"\n"));
        var reference = _dir.NewFolder();
        File.WriteAllText(Path.Combine(reference, "corpus.csv"), corpus);

        // The whole new output, and how long a run takes (in all, and from the first output bytes).
        var watch = Stopwatch.StartNew();
        var writingFrom = -1.0;
        using (var process = RealProgram.Start(RealProgram.ScoreDll, Args(reference)))
        {
            while (!process.HasExited)
            {
                if (writingFrom < 0 && Writing(reference)) writingFrom = watch.Elapsed.TotalSeconds;
                Thread.Sleep(1);
            }
            Assert.Equal(0, process.ExitCode);
        }
        var whole = watch.Elapsed.TotalSeconds;
        var writing = writingFrom < 0 ? 0.05 : Math.Max(0.01, whole - writingFrom);
        var expected = File.ReadAllBytes(Path.Combine(reference, "scored.csv"));

        var random = new Random(15);
        var delays = Enumerable.Range(0, Trials).Select(t => TimeSpan.FromSeconds(random.NextDouble() * (t % 2 == 1 ? writing : whole))).ToArray();
        var outcomes = new ConcurrentBag<(string Outcome, bool Exited)>();
        Parallel.For(0, Trials, new ParallelOptions { MaxDegreeOfParallelism = 2 }, trial =>
        {
            var folder = _dir.NewFolder();
            var input = Path.Combine(folder, "corpus.csv");
            var scored = Path.Combine(folder, "scored.csv");
            File.WriteAllText(input, corpus);
            File.WriteAllText(scored, "old output");
            // Even trials: any instant of the run; odd ones: an instant while the output is written and renamed.
            var duringWrite = trial % 2 == 1;
            var exited = Killer.RunAndKill(RealProgram.ScoreDll, Args(folder), _ => !duringWrite || Writing(folder), delays[trial]);

            Assert.Equal(corpus, File.ReadAllText(input));
            var now = File.ReadAllBytes(scored);
            if (now.AsSpan().SequenceEqual("old output"u8))
            {
                outcomes.Add(("old", exited));
            }
            else
            {
                Assert.True(now.AsSpan().SequenceEqual(expected), $"trial {trial}: the output is neither the old file nor the whole new one ({now.Length} bytes)");
                outcomes.Add(("new", exited));
            }
        });

        var old = outcomes.Count(o => o.Outcome == "old");
        var fresh = outcomes.Count(o => o.Outcome == "new");
        output.WriteLine($"scoring run, kill -9: {Trials} trials ({Trials / 2} over the whole {whole:0.00} s run, {Trials / 2} over the {writing:0.000} s the output is written): " +
            $"old output {old}, whole new output {fresh} ({outcomes.Count(o => o.Exited)} had exited before the kill), partial 0; input byte-identical in all.");
        Assert.Equal(Trials, old + fresh);
    }

    private static string[] Args(string folder) =>
        ["--model", Commands.ShippedModel, "--input", Path.Combine(folder, "corpus.csv"), "--output", Path.Combine(folder, "scored.csv"), "--force", "--quiet", "--batch-size", "256"];
}
