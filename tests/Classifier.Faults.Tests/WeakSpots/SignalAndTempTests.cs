using System.Diagnostics;
using System.IO.Compression;
using Classifier.Core;
using Classifier.Core.Prediction;
using Classifier.Faults.Tests.Support;
using static Classifier.Faults.Tests.Support.RealProgram;

namespace Classifier.Faults.Tests.WeakSpots;

/// <summary>Reproductions 12 and 13: SIGTERM, stale temporary files, ML.NET's scratch folders, zip bombs.</summary>
public sealed class SignalAndTempTests : IDisposable
{
    private readonly Commands run = new();

    public void Dispose() => run.Dispose();

    private static void Signal(Process process, string signal) => Process.Start("kill", [$"-{signal}", process.Id.ToString()])!.WaitForExit();

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return false;
    }

    [Fact]
    public void sigterm_stops_a_scoring_run_with_exit_143_and_removes_its_temporary_output()
    {
        var csv = run.Write("c.csv", "text\n" + string.Concat(Enumerable.Range(0, 400_000).Select(i => $"Encryption row {i} protects everyone's privacy.\n")));
        var output = run.Write("out.csv", "old");
        using var process = Start(ScoreDll, ["--model", Commands.ShippedModel, "--input", csv, "--output", output, "--force", "--quiet"]);

        Assert.True(WaitFor(() => run.Files().Any(f => f.EndsWith(".tmp", StringComparison.Ordinal)), TimeSpan.FromSeconds(60)), "no temporary output appeared");
        Signal(process, "TERM");
        Assert.True(process.WaitForExit(30_000));

        Assert.Equal(ExitCodes.Terminated, process.ExitCode);
        Assert.Equal("old", File.ReadAllText(output));
        Assert.Equal(["c.csv", "out.csv"], run.Files());
    }

    [Fact]
    public void sigterm_stops_training_with_exit_143_and_no_temporary_files()
    {
        var data = run.TrainingCsv();
        using var process = Start(TrainDll, ["--data", data, "--test", "none", "--ood", "none", "--folds", "2", "--model", run.PathOf("m.zip")]);
        // Signalled while it cross-validates: the fit cannot be cancelled, so the handler removes temporaries and exits.
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("Cross-validating", StringComparison.Ordinal)) { }
        Signal(process, "TERM");
        _ = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000));

        // Killed before the commit: no model; after it: the whole pair. Never a temporary file.
        Assert.True(process.ExitCode is ExitCodes.Terminated or 0, $"exit {process.ExitCode}");
        Assert.DoesNotContain(run.Files(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        if (process.ExitCode == ExitCodes.Terminated) Assert.False(File.Exists(run.PathOf("m.zip")));
    }

    [Fact]
    public void stale_temporary_files_of_ours_older_than_a_day_are_removed_with_a_note()
    {
        var input = run.Write("c.csv", "text\nhello\n");
        var stale = run.Write($".out.csv.4242.{Guid.NewGuid():N}.tmp", "left by a kill -9");
        var fresh = run.Write($".out.csv.4243.{Guid.NewGuid():N}.tmp", "another run, still writing");
        var notOurs = run.Write(".notes.tmp", "someone else's");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-2));
        File.SetLastWriteTimeUtc(notOurs, DateTime.UtcNow.AddDays(-2));

        Assert.Equal(0, run.Score("--input", input, "--output", run.PathOf("out.csv"), "--quiet"));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(notOurs));
        Assert.Contains("removed 1 stale temporary file older than a day", run.Stderr);
    }

    [Fact]
    public void a_failed_model_load_leaves_nothing_in_the_temporary_folder()
    {
        var tmp = Directory.CreateDirectory(run.PathOf("tmp")).FullName;
        var bad = run.PathOf("bad.zip");
        using (var zip = ZipFile.Open(bad, ZipArchiveMode.Create))
        {
            using var entry = zip.CreateEntry("TransformerChain/Model.key").Open();
            entry.Write("not a model"u8);
        }

        var (code, _, err) = Shell($"TMPDIR={Q(tmp)} dotnet {Q(ScoreDll)} --model {Q(bad)} --text hello");

        Assert.Equal(ExitCodes.BadModel, code);
        Assert.StartsWith("error: ", err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
    }

    private string Bomb(string name, int megabytes)
    {
        var path = run.PathOf(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var entry = zip.CreateEntry("zeros", CompressionLevel.Fastest).Open();
        var block = new byte[1 << 20];
        for (var i = 0; i < megabytes; i++) entry.Write(block);
        return path;
    }

    [Fact]
    public void a_zip_that_would_expand_past_the_bound_is_refused_before_extraction_with_exit_4()
    {
        var bomb = Bomb("bomb.zip", 40);
        var tmp = Directory.CreateDirectory(run.PathOf("tmp")).FullName;

        var (code, _, err) = Shell($"TMPDIR={Q(tmp)} CLASSIFIER_MAX_MODEL_BYTES=10000000 dotnet {Q(ScoreDll)} --model {Q(bomb)} --text hello");

        Assert.Equal(ExitCodes.BadModel, code);
        Assert.Contains("would expand to more than", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
    }

    [Fact]
    public void a_zip_bomb_swapped_in_on_hot_reload_is_refused_and_the_old_model_keeps_serving()
    {
        var model = run.PathOf("m.zip");
        File.Copy(Commands.ShippedModel, model);
        using var classifier = StanceClassifier.Load(model, new StanceClassifierOptions { MaxModelExpandedBytes = 30_000_000 });
        var before = classifier.Predict("Encryption protects everyone.");

        File.Copy(Bomb("bomb.zip", 40), model, overwrite: true);

        Assert.False(classifier.Reload());
        Assert.Contains("would expand to more than", classifier.LastReloadError);
        Assert.Equal(before.Probabilities, classifier.Predict("Encryption protects everyone.").Probabilities);
        Assert.Equal(1, classifier.Model.Generation);
    }
}
