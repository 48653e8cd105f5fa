using Classifier.Core;

namespace Classifier.Scoring.Tests.Shards;

public sealed class ShardCommandTests : IDisposable
{
    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    private string Corpus(int rows = 3000, int malformedEvery = 97) => ShardCorpus.Write(run.PathOf("corpus.csv"), rows, seed: 17, malformedEvery);

    private void Shards(string input, string output, int count, params string[] extra)
    {
        for (var i = 0; i < count; i++)
        {
            var code = run.Run([.. extra, "--input", input, "--output", output, "--shard", $"{i}/{count}", "--quiet"]);
            Assert.True(code == ExitCodes.Success, run.Stderr);
        }
    }

    private int Merge(string output, int count, params string[] extra) =>
        run.RunAsGiven(null, ["merge", "--output", output, "--shards", count.ToString(), .. extra]);

    [Theory]
    [InlineData(4, "csv")]
    [InlineData(3, "jsonl")]
    [InlineData(7, "csv")]
    public void merged_shards_are_byte_for_byte_the_single_run_output_and_errors_file(int count, string format)
    {
        var input = Corpus();
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("one.out"), "--errors", run.PathOf("one.err"), "--format", format, "--quiet"));

        Shards(input, run.PathOf("sharded.out"), count, "--errors", run.PathOf("sharded.err"), "--format", format);
        Assert.Equal(ExitCodes.Success, Merge(run.PathOf("sharded.out"), count));

        Assert.Equal(File.ReadAllBytes(run.PathOf("one.out")), File.ReadAllBytes(run.PathOf("sharded.out")));
        Assert.Equal(File.ReadAllBytes(run.PathOf("one.err")), File.ReadAllBytes(run.PathOf("sharded.err")));
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.PathOf("sharded.out.summary.json")));
        Assert.Equal(3000 / 97, summary.RootElement.GetProperty("rows").GetProperty("skipped").GetInt64());
    }

    [Fact]
    public void sentences_and_aggregates_merge_to_the_single_run_output()
    {
        var input = Corpus(1200, malformedEvery: 0);
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("one.csv"), "--sentences", "--aggregate", "--min-confidence", "0.6", "--quiet"));
        Shards(input, run.PathOf("out.csv"), 4, "--sentences", "--aggregate", "--min-confidence", "0.6");
        Assert.Equal(ExitCodes.Success, Merge(run.PathOf("out.csv"), 4));
        Assert.Equal(File.ReadAllBytes(run.PathOf("one.csv")), File.ReadAllBytes(run.PathOf("out.csv")));
    }

    [Fact]
    public void every_row_is_in_exactly_one_part_and_the_manifests_tile_the_file()
    {
        var input = Corpus();
        Shards(input, run.PathOf("out.csv"), 5);
        var manifests = Enumerable.Range(0, 5).Select(i => Core.Scoring.Shards.ShardManifest.Read(run.PathOf($"out.csv.part-{i}-of-5.json"))).ToList();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (_, rows) = ScoringRun.ReadCsv(run.PathOf($"out.csv.part-{i}-of-5"));
            Assert.Equal(manifests[i].Rows.Read, rows.Count);
            ids.AddRange(rows.Select(r => r[0]));
            Assert.Equal(i == 0 ? 0 : manifests[i - 1].Split.To, manifests[i].Split.From);
        }
        Assert.Equal(new FileInfo(input).Length, manifests[^1].Split.To);
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("one.csv"), "--quiet"));
        var (_, single) = ScoringRun.ReadCsv(run.PathOf("one.csv"));
        Assert.Equal(single.Select(r => r[0]), ids);
        Assert.Equal(new HashSet<string>(ids).Count, ids.Count);
        Assert.Equal(manifests[0].Input.Sha256, Classifier.Core.IO.FileHash.Sha256(input));
        Assert.Equal(Classifier.Core.IO.FileHash.Sha256(ScoringRun.ShippedModel), manifests[3].Model.Sha256);
    }

    [Fact]
    public void a_rerun_of_a_finished_shard_is_skipped_and_leaves_its_part_untouched()
    {
        var input = Corpus(600, 0);
        Shards(input, run.PathOf("out.csv"), 2);
        var part = run.PathOf("out.csv.part-1-of-2");
        var written = File.GetLastWriteTimeUtc(part);

        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("out.csv"), "--shard", "1/2"));

        Assert.Contains("already done", run.Stderr);
        Assert.Equal(written, File.GetLastWriteTimeUtc(part));
    }

    [Fact]
    public void a_shard_whose_part_was_lost_or_cut_short_is_redone_without_force()
    {
        var input = Corpus(600, 0);
        Shards(input, run.PathOf("out.csv"), 2);
        var part = run.PathOf("out.csv.part-0-of-2");
        var good = File.ReadAllBytes(part);
        File.WriteAllBytes(part, good[..(good.Length / 2)]);

        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("out.csv"), "--shard", "0/2", "--quiet"));

        Assert.Equal(good, File.ReadAllBytes(part));
    }

    [Fact]
    public void a_shard_from_other_work_is_replaced_only_with_force()
    {
        var input = Corpus(600, 0);
        Shards(input, run.PathOf("out.csv"), 2);

        var code = run.Run("--input", input, "--output", run.PathOf("out.csv"), "--shard", "0/2", "--min-confidence", "0.5");

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("out.csv.part-0-of-2: exists from other work (it was scored with other settings: --min-confidence none vs 0.5); pass --force", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void merge_names_the_missing_part()
    {
        var input = Corpus(600, 0);
        Shards(input, run.PathOf("out.csv"), 3);
        File.Delete(run.PathOf("out.csv.part-1-of-3"));

        Assert.Equal(ExitCodes.BadInput, Merge(run.PathOf("out.csv"), 3));

        Assert.Equal($"error: {run.PathOf("out.csv.part-1-of-3")}: missing: shard 1 of 3 has not finished (run it, then merge again).", run.Stderr.Trim());
        Assert.False(File.Exists(run.PathOf("out.csv")));
    }

    [Fact]
    public void merge_names_a_part_scored_with_other_settings_and_writes_nothing()
    {
        var input = Corpus(600, 0);
        Shards(input, run.PathOf("out.csv"), 3);
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("out.csv"), "--shard", "2/3", "--excel-safe", "--force", "--quiet"));

        Assert.Equal(ExitCodes.BadInput, Merge(run.PathOf("out.csv"), 3));

        Assert.Contains($"{run.PathOf("out.csv.part-2-of-3")}: mismatched: it was scored with other settings than shard 0 (--excel-safe True vs False)", run.Stderr);
        Assert.False(File.Exists(run.PathOf("out.csv")));
    }

    [Fact]
    public void merge_names_a_part_changed_after_its_shard_finished()
    {
        var input = Corpus(600, 0);
        Shards(input, run.PathOf("out.csv"), 2);
        File.AppendAllText(run.PathOf("out.csv.part-1-of-2"), "extra,row\n");

        Assert.Equal(ExitCodes.BadInput, Merge(run.PathOf("out.csv"), 2));

        Assert.Contains("out.csv.part-1-of-2: does not match its manifest (size or SHA-256)", run.Stderr);
    }

    [Fact]
    public void merge_with_the_wrong_shard_count_points_at_the_parts_that_are_there()
    {
        var input = Corpus(600, 0);
        Shards(input, run.PathOf("out.csv"), 4);

        Assert.Equal(ExitCodes.BadInput, Merge(run.PathOf("out.csv"), 3));

        Assert.Contains("parts of 4 shards are there: check --shards", run.Stderr);
    }

    [Fact]
    public void merge_refuses_to_replace_an_existing_output_without_force_and_writes_the_merged_summary()
    {
        var input = Corpus(600, 0);
        Shards(input, run.PathOf("out.csv"), 2);
        Assert.Equal(ExitCodes.Success, Merge(run.PathOf("out.csv"), 2));
        Assert.Equal(ExitCodes.BadArguments, Merge(run.PathOf("out.csv"), 2));
        Assert.Contains("exists; pass --force", run.Stderr);

        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.PathOf("out.csv.summary.json")));
        var rows = summary.RootElement.GetProperty("rows");
        Assert.Equal(600, rows.GetProperty("read").GetInt64());
        Assert.Equal(rows.GetProperty("scored").GetInt64(), summary.RootElement.GetProperty("labelCounts").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(Classifier.Core.IO.FileHash.Sha256(run.PathOf("out.csv")), summary.RootElement.GetProperty("sha256").GetString());
    }

    [Theory]
    [InlineData("4/4", "--shard 4/4: the shard index must be between 0 and 3 (got 4).")]
    [InlineData("a/4", "--shard must be I/N with whole numbers, e.g. --shard 0/4 (got 'a/4').")]
    public void a_bad_shard_is_a_one_line_argument_error(string shard, string message)
    {
        var input = Corpus(50, 0);
        Assert.Equal(ExitCodes.BadArguments, run.Run("--input", input, "--output", run.PathOf("out.csv"), "--shard", shard));
        Assert.Equal($"error: {message}", run.Stderr.Trim());
    }

    [Fact]
    public void a_shard_needs_an_output_file()
    {
        var input = Corpus(50, 0);
        Assert.Equal(ExitCodes.BadArguments, run.Run("--input", input, "--output", "-", "--shard", "0/2"));
        Assert.Contains("give --output FILE", run.Stderr);
    }
}
