using Classifier.Core;

namespace Classifier.Scoring.Tests.Shards;

/// <summary>The real program as separate processes, as a scheduler runs it.</summary>
public sealed class ShardProcessTests : IDisposable
{
    private readonly TempDir folder = new();

    public void Dispose() => folder.Dispose();

    private static void Ok((int Code, string Stderr) result) => Assert.True(result.Code == ExitCodes.Success, result.Stderr);

    [Fact]
    public void four_shard_processes_with_the_scheduler_variables_and_merge_equal_one_process_byte_for_byte()
    {
        var input = ShardCorpus.Write(folder.File("corpus.csv"), 4000, seed: 5, malformedEvery: 211);
        var model = ScoringRun.ShippedModel;
        Ok(ShardCorpus.Run(null, "--model", model, "--input", input, "--output", folder.File("one.csv"), "--quiet"));

        var output = folder.File("out.csv");
        string[] Args(params string[] more) => ["--model", model, "--input", input, "--output", output, "--quiet", .. more];
        // Each shard learns its index the way its scheduler tells it.
        var shards = new[]
        {
            ShardCorpus.Start(new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "0" }, Args("--shards", "4")),
            ShardCorpus.Start(new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "4" }, Args("--shards", "4")),
            ShardCorpus.Start(new Dictionary<string, string> { ["AWS_BATCH_JOB_ARRAY_INDEX"] = "2" }, Args("--shards", "4")),
            ShardCorpus.Start(null, Args("--shard", "3/4")),
        };
        AllSucceed(shards);
        Ok(ShardCorpus.Run(null, "merge", "--output", output, "--shards", "4", "--quiet"));

        Assert.Equal(File.ReadAllBytes(folder.File("one.csv")), File.ReadAllBytes(output));
    }

    [Fact]
    public void four_parquet_shard_processes_and_merge_equal_one_process_byte_for_byte()
    {
        var input = ParquetCorpus.Write(folder.File("corpus.parquet"), 4000, groupRows: 300, seed: 8);
        var model = ScoringRun.ShippedModel;
        Ok(ShardCorpus.Run(null, "--model", model, "--input", input, "--output", folder.File("one.parquet"), "--quiet"));

        var output = folder.File("out.parquet");
        FourShardsAndMerge(output, "--model", model, "--input", input);

        Assert.Equal(File.ReadAllBytes(folder.File("one.parquet")), File.ReadAllBytes(output));
    }

    /// <summary>Waits for every shard process; each must exit 0 (its stderr is the failure message).</summary>
    private static void AllSucceed(IEnumerable<System.Diagnostics.Process> shards)
    {
        foreach (var shard in shards)
        {
            var stderr = shard.StandardError.ReadToEnd();
            shard.WaitForExit();
            Assert.True(shard.ExitCode == 0, stderr);
            shard.Dispose();
        }
    }

    /// <summary>Runs the 4 shards as processes at once, each told its index by AWS_BATCH_JOB_ARRAY_INDEX, then merge.</summary>
    private static void FourShardsAndMerge(string output, params string[] args)
    {
        var shards = Enumerable.Range(0, 4)
            .Select(i => ShardCorpus.Start(new Dictionary<string, string> { ["AWS_BATCH_JOB_ARRAY_INDEX"] = i.ToString() }, [.. args, "--output", output, "--shards", "4", "--quiet"]))
            .ToList();
        AllSucceed(shards);
        Ok(ShardCorpus.Run(null, "merge", "--output", output, "--shards", "4", "--quiet"));
    }

    [Fact]
    public void four_shard_processes_with_shares_by_group_and_date_merge_to_the_single_runs_shares_file_byte_for_byte()
    {
        var input = ShardCorpus.Write(folder.File("corpus.csv"), 4000, seed: 6, malformedEvery: 307, dated: true);
        string[] args = ["--model", ScoringRun.ShippedModel, "--input", input, "--group-by", "source", "--date-column", "published", "--period", "quarter"];
        Ok(ShardCorpus.Run(null, [.. args, "--output", folder.File("one.csv"), "--shares", folder.File("one-shares.csv"), "--quiet"]));

        FourShardsAndMerge(folder.File("out.csv"), [.. args, "--shares", folder.File("shares.csv")]);

        Assert.Equal(File.ReadAllBytes(folder.File("one-shares.csv")), File.ReadAllBytes(folder.File("shares.csv")));
        Assert.Equal(File.ReadAllBytes(folder.File("one.csv")), File.ReadAllBytes(folder.File("out.csv")));
        Assert.True(File.ReadAllLines(folder.File("shares.csv")).Length > 7 * 5 * 3, "groups by source and quarter");
    }

    [Fact]
    public void four_parquet_shard_processes_with_shares_by_group_and_date_merge_to_the_single_runs_shares_file_byte_for_byte()
    {
        var input = ParquetCorpus.Write(folder.File("corpus.parquet"), 4000, groupRows: 300, seed: 12);
        string[] args = ["--model", ScoringRun.ShippedModel, "--input", input, "--group-by", "year", "--date-column", "published", "--period", "month"];
        Ok(ShardCorpus.Run(null, [.. args, "--output", folder.File("one.parquet"), "--shares", folder.File("one-shares.csv"), "--quiet"]));

        FourShardsAndMerge(folder.File("out.parquet"), [.. args, "--shares", folder.File("shares.csv")]);

        Assert.Equal(File.ReadAllBytes(folder.File("one-shares.csv")), File.ReadAllBytes(folder.File("shares.csv")));
        Assert.Equal(File.ReadAllBytes(folder.File("one.parquet")), File.ReadAllBytes(folder.File("out.parquet")));
        // year is a nullable int: its null rows form the group "".
        Assert.Contains(File.ReadLines(folder.File("shares.csv")), line => line.StartsWith(",2019-10,", StringComparison.Ordinal));
    }

    [Fact]
    public void a_killed_shard_leaves_no_part_and_once_rerun_the_merge_equals_one_process()
    {
        var input = ShardCorpus.Write(folder.File("corpus.csv"), 120_000, seed: 9);
        var model = ScoringRun.ShippedModel;
        var output = folder.File("out.csv");
        string[] Args(int shard) => ["--model", model, "--input", input, "--output", output, "--shard", $"{shard}/2", "--quiet", "--threads", "1"];
        Ok(ShardCorpus.Run(null, Args(0)));

        // Killed (SIGKILL: no clean-up runs) while it writes its temporary part.
        using (var victim = ShardCorpus.Start(null, Args(1)))
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!victim.HasExited && DateTime.UtcNow < deadline && !Directory.EnumerateFiles(folder.Path, ".out.csv.part-1-of-2.*.tmp").Any()) Thread.Sleep(5);
            Assert.False(victim.HasExited, "the shard finished before it could be killed");
            victim.Kill();
            victim.WaitForExit();
        }
        Assert.False(File.Exists(folder.File("out.csv.part-1-of-2")));
        Assert.False(File.Exists(folder.File("out.csv.part-1-of-2.json")));
        var merge = ShardCorpus.Run(null, "merge", "--output", output, "--shards", "2");
        Assert.Equal(ExitCodes.BadInput, merge.Code);
        Assert.Contains("out.csv.part-1-of-2: missing: shard 1 of 2 has not finished", merge.Stderr);

        Ok(ShardCorpus.Run(null, Args(1)));
        Ok(ShardCorpus.Run(null, "merge", "--output", output, "--shards", "2", "--quiet"));
        Ok(ShardCorpus.Run(null, "--model", model, "--input", input, "--output", folder.File("one.csv"), "--quiet"));

        Assert.Equal(File.ReadAllBytes(folder.File("one.csv")), File.ReadAllBytes(output));
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*.tmp"));
    }
}
