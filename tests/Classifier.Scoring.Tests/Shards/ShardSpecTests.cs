using Classifier.Core;
using Classifier.Core.Scoring.Shards;

namespace Classifier.Scoring.Tests.Shards;

public sealed class ShardSpecTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void the_index_comes_from_the_kubernetes_slurm_or_aws_batch_variable()
    {
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.Resolve(null, 4, Env(("JOB_COMPLETION_INDEX", "2"))));
        Assert.Equal(new ShardSpec(3, 4), ShardSpec.Resolve(null, 4, Env(("AWS_BATCH_JOB_ARRAY_INDEX", "3"))));
        Assert.Equal(new ShardSpec(0, 4), ShardSpec.Resolve(null, 4, Env(("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
    }

    [Fact]
    public void a_slurm_array_that_starts_at_one_gives_shard_zero_to_its_first_task()
    {
        Assert.Equal(new ShardSpec(0, 3), ShardSpec.Resolve(null, 3, Env(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "3"))));
    }

    [Fact]
    public void a_slurm_array_of_another_size_than_shards_is_refused()
    {
        var e = Assert.Throws<ClassifierException>(() => ShardSpec.Resolve(null, 4, Env(("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "5"))));
        Assert.Equal("--shards 4 but SLURM_ARRAY_TASK_COUNT=5: the array must have one task per shard (sbatch --array=0-3).", e.Message);
    }

    [Fact]
    public void shards_without_an_index_variable_says_where_the_index_comes_from()
    {
        var e = Assert.Throws<ClassifierException>(() => ShardSpec.Resolve(null, 4, Env()));
        Assert.Contains("JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX", e.Message);
    }

    [Fact]
    public void disagreeing_index_variables_are_refused_and_an_index_past_the_count_too()
    {
        Assert.Throws<ClassifierException>(() => ShardSpec.Resolve(null, 4, Env(("JOB_COMPLETION_INDEX", "1"), ("AWS_BATCH_JOB_ARRAY_INDEX", "2"))));
        var e = Assert.Throws<ClassifierException>(() => ShardSpec.Resolve(null, 4, Env(("JOB_COMPLETION_INDEX", "4"))));
        Assert.Equal("JOB_COMPLETION_INDEX with --shards 4: the shard index must be between 0 and 3 (got 4).", e.Message);
    }

    [Fact]
    public void no_shard_option_means_one_process_even_inside_an_array_task()
    {
        Assert.Null(ShardSpec.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "1"))));
        Assert.Equal(new ShardSpec(1, 2), ShardSpec.Resolve("1/2", null, Env(("JOB_COMPLETION_INDEX", "0"))));
    }

    [Fact]
    public void slices_tile_the_input_whatever_the_count()
    {
        foreach (var (total, count) in new[] { (0L, 3), (5L, 8), (1_000_003L, 4), (long.MaxValue / 2, 7) })
        {
            Assert.Equal(0, ShardSplit.Boundary(total, 0, count));
            Assert.Equal(total, ShardSplit.Boundary(total, count, count));
            for (var i = 0; i < count; i++) Assert.True(ShardSplit.Boundary(total, i, count) <= ShardSplit.Boundary(total, i + 1, count));
        }
    }
}
