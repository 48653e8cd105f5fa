using System.Collections.Concurrent;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Faults.Tests.Support;
using Classifier.Tests.Support;
using Xunit.Abstractions;

namespace Classifier.Faults.Tests.KillTrials;

/// <summary>
/// kill -9 at random instants of a training save (20 trials of the real program, two at a time): afterwards,
/// once the next reader has run recovery, the zip and card are the old pair or the new pair, whole, and the
/// training data is byte-identical.
/// </summary>
public sealed class TrainingSaveKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Trials = 20;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static bool IsCalibrationLine(string? line) => line?.StartsWith("Calibration:", StringComparison.Ordinal) == true;

    [Fact]
    public void a_kill_at_any_instant_of_a_training_save_leaves_the_old_pair_or_the_new_pair()
    {
        // A tiny fixture (24 rows, 2 folds): each trial is mostly start-up, then the save.
        var csv = Fixtures.Csv(Fixtures.Rows(perLabel: 8));
        var template = _dir.NewFolder();
        var model = Path.Combine(template, "m.zip");
        File.WriteAllText(Path.Combine(template, "train.csv"), csv);
        Assert.Equal(0, Classifier.Training.Program.Run(Args(template, seed: 1), new StringWriter(), new StringWriter()));
        var oldZip = File.ReadAllBytes(model);
        var oldCard = File.ReadAllBytes(ModelCard.PathFor(model));

        // One whole run, timed from the line printed just before the save ("Calibration: ...") to the "Saved" line.
        var (marks, _) = Killer.Time(RealProgram.TrainDll, Args(Copy(template), seed: 2), l => IsCalibrationLine(l), l => l.StartsWith("Saved", StringComparison.Ordinal));
        // Half again as long, so some kills land after the commit (and before exit) too.
        var window = Math.Max(0.2, (marks[1] - marks[0]) * 1.5);

        var random = new Random(15);
        var delays = Enumerable.Range(0, Trials).Select(_ => TimeSpan.FromSeconds(random.NextDouble() * window)).ToArray();
        var outcomes = new ConcurrentBag<(string Outcome, bool Exited)>();
        Parallel.For(0, Trials, new ParallelOptions { MaxDegreeOfParallelism = 2 }, trial =>
        {
            var folder = Copy(template);
            var data = Path.Combine(folder, "train.csv");
            var zip = Path.Combine(folder, "m.zip");
            var exited = Killer.RunAndKill(RealProgram.TrainDll, Args(folder, seed: 2), IsCalibrationLine, delays[trial]);

            // What the next reader does first.
            ModelPair.Recover(zip);
            Assert.Equal(csv, File.ReadAllText(data));
            Assert.False(File.Exists(ModelPair.CommitRecordFor(zip)));
            if (File.ReadAllBytes(zip).AsSpan().SequenceEqual(oldZip) && File.ReadAllBytes(ModelCard.PathFor(zip)).AsSpan().SequenceEqual(oldCard))
            {
                outcomes.Add(("old", exited));
            }
            else
            {
                var now = ModelCard.TryRead(zip);
                Assert.True(now is not null, $"trial {trial}: the card is unreadable");
                Assert.Equal(2, now!.Seed);
                Assert.Equal(FileHash.Sha256(zip), now.ModelSha256);
                using var loaded = Classifier.Core.Prediction.StanceClassifier.Load(zip);
                Assert.Equal(CardStatus.Verified, loaded.Model.CardStatus);
                outcomes.Add(("new", exited));
            }
            // Anything else left is a temporary file of ours (the next run's sweep removes it after a day).
            Assert.All(Directory.GetFiles(folder).Select(Path.GetFileName).Where(f => f is not ("train.csv" or "m.zip" or "m.card.json")),
                f => Assert.Matches(@"^\..+\.\d+\.[0-9a-f]{32}\.tmp$", f));
        });

        var old = outcomes.Count(o => o.Outcome == "old");
        var fresh = outcomes.Count(o => o.Outcome == "new");
        output.WriteLine($"training save, kill -9: {Trials} trials at random instants over {window:0.000} s from the line before the save: " +
            $"old pair {old}, new pair {fresh} ({outcomes.Count(o => o.Exited)} had exited before the kill), broken 0; data byte-identical in all.");
        Assert.Equal(Trials, old + fresh);
    }

    private string[] Args(string folder, int seed) =>
        ["--data", Path.Combine(folder, "train.csv"), "--test", "none", "--ood", "none", "--folds", "2", "--seed", seed.ToString(), "--model", Path.Combine(folder, "m.zip")];

    private string Copy(string template)
    {
        var folder = _dir.NewFolder();
        foreach (var file in Directory.GetFiles(template)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }
}
