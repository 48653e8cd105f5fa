using System.CommandLine;
using Classifier.Cli.Tables;
using Classifier.Core;
using Classifier.Core.Scoring;
using Classifier.Core.Scoring.Shards;

namespace Classifier.Scoring;

/// <summary>The scoring program's shard options (--shard, --shards) and the run of one shard (merged by <see cref="Commands.MergeCommand"/>).</summary>
internal static class ShardCommands
{
    /// <summary>--shard I/N.</summary>
    public static Option<string?> ShardOption() => new("--shard")
    {
        Description = "Score only shard I of N (I from 0 to N-1) into OUTPUT.part-I-of-N plus a manifest; merge the parts with 'classifier-score merge'.",
    };

    /// <summary>--shards N.</summary>
    public static Option<int?> ShardsOption() => new("--shards")
    {
        Description = $"Cut the input into N shards and score the one named by the scheduler: {string.Join(", ", ShardSpec.IndexVariables)} (Kubernetes Indexed Job, Slurm array, AWS Batch array).",
    };

    /// <summary>Runs one shard of <paramref name="job"/>; prints what it did unless quiet.</summary>
    public static void RunShard(ScoringJobOptions job, ShardSpec shard, TextWriter stderr, ProgressLine? progress, bool quiet, CancellationToken cancel)
    {
        if (job.InputPath is null) throw ClassifierException.Arguments("--shard needs --input FILE (standard input cannot be split).");
        var outcome = Formats.WritesParquet(job)
            ? Classifier.Parquet.ParquetScoring.RunShard(job, shard, progress, cancel)
            : ShardedScoring.Run(job, shard, Formats.ShardInput(job), progress, cancel);
        if (quiet) return;
        if (outcome.Skipped)
        {
            stderr.WriteLine(outcome.SkipReason);
            return;
        }
        stderr.WriteLine(outcome.Summary!.ToTable(job.Scoring.Sentences));
        var m = outcome.Manifest;
        var rows = m.Split.FirstRow == 0 ? "no rows" : $"rows {m.Split.FirstRow:N0} to {m.Split.LastRow:N0}";
        stderr.WriteLine($"Shard {shard}: {rows} ({m.Split.Unit} {m.Split.From:N0} to {m.Split.To:N0} of {m.Split.Total:N0}) in {m.Part.Name}; manifest {m.Part.Name}.json.");
        if (m.Statistics.GetValueOrDefault(ShardShares.Name) is { } shares)
        {
            var where = ShardShares.Sidecar(shares) is { } file ? $"in {file.Name} ({file.Size:N0} bytes)" : "in the manifest";
            stderr.WriteLine($"Share statistics of {shares["texts"]?.GetValue<long>():N0} texts in {shares["groups"]?.GetValue<int>():N0} groups saved {where}; 'classifier-score merge' writes the shares to {shares["options"]?["output"]}.");
        }
    }
}
