using Classifier.Core.Scoring;

namespace Classifier.Scoring.Tests;

/// <summary>The library leaves process concerns (forced collections) to its host through ScoringOptions.AfterBatch.</summary>
public sealed class AfterBatchHookTests
{
    [Fact]
    public void the_after_batch_hook_runs_once_per_full_batch_on_the_reading_thread()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.csv", "text\n" + string.Concat(Enumerable.Range(0, 95).Select(i => $"sentence {i} about encryption and warrants\n")));
        var calls = 0;
        var threads = new HashSet<int>();
        var job = new ScoringJobOptions
        {
            ModelPath = Repo.File("models", "stance.zip"),
            InputPath = input,
            OutputPath = dir.File("out.csv"),
            Scoring = new ScoringOptions
            {
                BatchSize = 10,
                Threads = 2,
                AfterBatch = () =>
                {
                    calls++;
                    threads.Add(Environment.CurrentManagedThreadId);
                },
            },
        };

        var summary = ScoringJob.Run(job, () => Stream.Null, () => TextReader.Null, null, CancellationToken.None);

        Assert.Equal(95, summary.RowsRead);
        Assert.Equal(9, calls); // nine full batches of ten; the last five rows go out without a call
        Assert.Equal([Environment.CurrentManagedThreadId], threads);
    }
}
