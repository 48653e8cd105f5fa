using Classifier.Core.Prediction;

namespace Classifier.Api.Tests.Prediction;

public sealed class ReloadTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>, IDisposable
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(30);
    private readonly TempDir _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void reload_swaps_in_a_changed_model_and_reports_it()
    {
        var path = CopyOfStanceModel();
        using var classifier = StanceClassifier.Load(path);
        ModelReloadedEventArgs? reloaded = null;
        classifier.ModelReloaded += (_, e) => reloaded = e;

        TestFiles.ReplaceAtomically(path, tiny.Bytes);

        Assert.True(classifier.Reload());
        Assert.Equal(["alpha", "beta"], classifier.Labels.Order());
        Assert.Equal(2, classifier.Model.Generation);
        Assert.Equal(2, reloaded?.Model.Generation);
        Assert.Contains(classifier.Predict("apples and pears").Label, new[] { "alpha", "beta" });
        Assert.Null(classifier.LastReloadError);
    }

    [Fact]
    public void reloading_an_unchanged_file_keeps_the_model_and_its_generation()
    {
        var path = CopyOfStanceModel();
        using var classifier = StanceClassifier.Load(path);

        Assert.True(classifier.Reload());
        Assert.Equal(1, classifier.Model.Generation);
    }

    [Fact]
    public void a_broken_new_file_keeps_the_old_model_and_reports_why()
    {
        var path = CopyOfStanceModel();
        using var classifier = StanceClassifier.Load(path);
        var before = classifier.Predict("Police need lawful access to encrypted phones.");
        ModelReloadFailedEventArgs? failed = null;
        classifier.ReloadFailed += (_, e) => failed = e;

        TestFiles.ReplaceAtomically(path, "this is not a zip"u8.ToArray());

        Assert.False(classifier.Reload());
        Assert.StartsWith(path + ": ", classifier.LastReloadError);
        Assert.Equal(classifier.LastReloadError, failed?.Reason);
        Assert.Equal(1, classifier.Model.Generation);
        Assert.True(StanceClassifierTests.Same(before, classifier.Predict("Police need lawful access to encrypted phones.")));

        // Once the file is good again, the error clears.
        TestFiles.ReplaceAtomically(path, File.ReadAllBytes(TestFiles.StanceModel));
        Assert.True(classifier.Reload());
        Assert.Null(classifier.LastReloadError);
    }

    [Fact]
    public async Task predictions_during_reloads_all_come_whole_from_one_model_or_the_other()
    {
        var path = CopyOfStanceModel();
        var stanceBytes = File.ReadAllBytes(path);
        using var classifier = StanceClassifier.Load(path);
        using var tinyClassifier = StanceClassifier.Load(tiny.Path);
        var texts = TestFiles.TestSentences.Take(100).ToArray();
        var fromStance = texts.Select(classifier.Predict).ToArray();
        var fromTiny = texts.Select(tinyClassifier.Predict).ToArray();

        using var stop = new CancellationTokenSource();
        var bad = 0;
        var predicted = 0;
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() =>
        {
            for (var i = r; !stop.IsCancellationRequested || i < r + 200; i++)
            {
                var k = i % texts.Length;
                var p = classifier.Predict(texts[k]);
                if (!StanceClassifierTests.Same(p, fromStance[k]) && !StanceClassifierTests.Same(p, fromTiny[k])) Interlocked.Increment(ref bad);
                Interlocked.Increment(ref predicted);
            }
        })).ToArray();

        for (var swap = 0; swap < 4; swap++)
        {
            TestFiles.ReplaceAtomically(path, swap % 2 == 0 ? tiny.Bytes : stanceBytes);
            Assert.True(classifier.Reload());
        }
        stop.Cancel();
        await Task.WhenAll(readers);

        Assert.Equal(0, bad);
        Assert.True(predicted >= 800);
        Assert.Equal(5, classifier.Model.Generation);
    }

    [Fact]
    public async Task watching_reloads_a_replaced_file_and_keeps_the_old_model_when_the_next_one_is_broken()
    {
        var path = CopyOfStanceModel();
        using var classifier = StanceClassifier.Load(path, new StanceClassifierOptions { WatchForChanges = true, ReloadDelay = TimeSpan.FromMilliseconds(100) });
        var reloaded = new TaskCompletionSource<ModelReloadedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource<ModelReloadFailedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        classifier.ModelReloaded += (_, e) => reloaded.TrySetResult(e);
        classifier.ReloadFailed += (_, e) => failed.TrySetResult(e);

        TestFiles.ReplaceAtomically(path, tiny.Bytes);
        var swapped = await reloaded.Task.WaitAsync(EventWait);

        Assert.Equal(["alpha", "beta"], swapped.Model.Labels.Order());
        Assert.Equal(["alpha", "beta"], classifier.Labels.Order());

        File.WriteAllText(path, "broken");
        var failure = await failed.Task.WaitAsync(EventWait);

        Assert.StartsWith(path, failure.Reason);
        Assert.Equal(["alpha", "beta"], classifier.Labels.Order());
        Assert.NotNull(classifier.LastReloadError);
    }

    private string CopyOfStanceModel()
    {
        var path = _folder.File("stance.zip");
        File.Copy(TestFiles.StanceModel, path);
        return path;
    }
}
