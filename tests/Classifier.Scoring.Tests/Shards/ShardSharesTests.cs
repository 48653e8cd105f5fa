using System.Text.Json.Nodes;
using Classifier.Core;
using Classifier.Core.Scoring.Shards;

namespace Classifier.Scoring.Tests.Shards;

/// <summary>--shares across shards: each shard saves its share statistics, merge adds them up and writes the single run's shares file.</summary>
public sealed class ShardSharesTests : IDisposable
{
    private static readonly string[] ByGroupAndQuarter = ["--group-by", "source", "--date-column", "published", "--period", "quarter"];

    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    private string Corpus(int rows = 2500, int malformedEvery = 0) => ShardCorpus.Write(run.PathOf("corpus.csv"), rows, seed: 23, malformedEvery, dated: true);

    private void Ok(int code) => Assert.True(code == ExitCodes.Success, run.Stderr);

    private void Shards(string input, string output, string shares, int count, params string[] extra)
    {
        for (var i = 0; i < count; i++) Ok(run.Run([.. extra, "--input", input, "--output", output, "--shares", shares, "--shard", $"{i}/{count}", "--quiet"]));
    }

    private int Merge(string output, int count, params string[] extra) =>
        run.RunAsGiven(null, ["merge", "--output", output, "--shards", count.ToString(), "--quiet", .. extra]);

    private string OneLine()
    {
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, run.Stderr);
        return lines[0];
    }

    private static JsonObject ManifestOf(string part) => (JsonObject)JsonNode.Parse(File.ReadAllText(part + ".json"))!;

    [Fact]
    public void merged_shares_of_three_shards_are_the_single_runs_shares_file_and_the_shards_do_not_write_it()
    {
        var input = Corpus(malformedEvery: 89);
        Ok(run.Run(["--input", input, "--output", run.PathOf("one.csv"), "--shares", run.PathOf("one-shares.csv"), .. ByGroupAndQuarter, "--quiet"]));

        Shards(input, run.PathOf("out.csv"), run.PathOf("shares.csv"), 3, ByGroupAndQuarter);
        Assert.False(File.Exists(run.PathOf("shares.csv")));
        Assert.True(File.Exists(run.PathOf("out.csv.part-1-of-3.shares")));
        Ok(Merge(run.PathOf("out.csv"), 3));

        Assert.Equal(File.ReadAllBytes(run.PathOf("one-shares.csv")), File.ReadAllBytes(run.PathOf("shares.csv")));
        Assert.Equal(File.ReadAllBytes(run.PathOf("one.csv")), File.ReadAllBytes(run.PathOf("out.csv")));
        // Groups by source and quarter, the undated rows in the period "" with their note, small groups without numbers.
        var (_, rows) = ScoringRun.ReadCsv(run.PathOf("shares.csv"));
        Assert.Contains(rows, r => r[0] == "src, 3" && r[1] == "2019-Q2" && r[5] != "");
        Assert.Contains(rows, r => r[1] == "" && r[9].Contains("no readable date in 'published'", StringComparison.Ordinal));
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.PathOf("out.csv.summary.json")));
        var shares = summary.RootElement.GetProperty("statistics").GetProperty("shares");
        Assert.Equal(run.PathOf("shares.csv"), shares.GetProperty("output").GetString());
        Assert.Equal(Classifier.Core.IO.FileHash.Sha256(run.PathOf("shares.csv")), shares.GetProperty("sha256").GetString());
    }

    [Fact]
    public void merge_prints_the_single_runs_share_summary_and_the_rows_without_a_date()
    {
        var input = Corpus(900);
        Ok(run.Run(["--input", input, "--shares", run.PathOf("one-shares.csv"), .. ByGroupAndQuarter]));
        var single = run.Stderr;
        Shards(input, run.PathOf("out.csv"), run.PathOf("shares.csv"), 2, ByGroupAndQuarter);

        Ok(run.RunAsGiven(null, "merge", "--output", run.PathOf("out.csv"), "--shares", run.PathOf("elsewhere.csv"), "--shards", "2"));

        // --shares on merge overrides the file the manifests name.
        Assert.False(File.Exists(run.PathOf("shares.csv")));
        Assert.Equal(File.ReadAllBytes(run.PathOf("one-shares.csv")), File.ReadAllBytes(run.PathOf("elsewhere.csv")));
        string Section(string text) => text[text.IndexOf("Shares of", StringComparison.Ordinal)..text.IndexOf("Wrote the shares", StringComparison.Ordinal)];
        Assert.Equal(Section(single), Section(run.Stderr));
        Assert.Contains("texts with an unreadable date (first: 'soon' in row 10)", run.Stderr);
        Assert.Contains($"Wrote the shares to {run.PathOf("elsewhere.csv")}.", run.Stderr);
    }

    [Fact]
    public void with_sentences_each_sentence_keeps_its_own_draw_and_the_shards_merge_to_the_single_run()
    {
        var input = Corpus(1200);
        Ok(run.Run("--input", input, "--output", run.PathOf("one.csv"), "--sentences", "--shares", run.PathOf("one-shares.csv"), "--group-by", "source", "--quiet"));
        Shards(input, run.PathOf("out.csv"), run.PathOf("shares.csv"), 4, "--sentences", "--group-by", "source");
        Ok(Merge(run.PathOf("out.csv"), 4));

        Assert.Equal(File.ReadAllBytes(run.PathOf("one-shares.csv")), File.ReadAllBytes(run.PathOf("shares.csv")));
        Assert.Equal(File.ReadAllBytes(run.PathOf("one.csv")), File.ReadAllBytes(run.PathOf("out.csv")));
    }

    [Fact]
    public void the_same_seed_gives_the_same_sharded_intervals_in_two_runs_and_another_seed_other_ones()
    {
        var input = Corpus(800);
        string Sharded(string name, string seed)
        {
            var output = run.PathOf($"{name}.csv");
            Shards(input, output, run.PathOf($"{name}-shares.csv"), 2, "--seed", seed);
            Ok(Merge(output, 2));
            return File.ReadAllText(run.PathOf($"{name}-shares.csv"));
        }
        var first = Sharded("first", "11");
        var again = Sharded("again", "11");
        var other = Sharded("other", "12");

        Assert.Equal(first, again);
        var (_, a) = ScoringRun.ReadCsv(first, isText: true);
        var (_, b) = ScoringRun.ReadCsv(other, isText: true);
        Assert.Equal(a.Select(r => r[5]), b.Select(r => r[5]));
        Assert.NotEqual(a.Select(r => r[6]), b.Select(r => r[6]));
    }

    [Fact]
    public void a_part_with_other_share_options_is_a_one_line_error_naming_it_and_nothing_is_written()
    {
        var input = Corpus(600);
        var output = run.PathOf("out.csv");
        for (var i = 0; i < 3; i++)
            Ok(run.Run("--input", input, "--output", output, "--shares", run.PathOf("shares.csv"), "--seed", i == 2 ? "7" : "1", "--shard", $"{i}/3", "--quiet"));

        Assert.Equal(ExitCodes.BadInput, Merge(output, 3));

        Assert.Equal($"error: {run.PathOf("out.csv.part-2-of-3")}: mismatched: its share options differ from shard 0's (seed 7 vs 1); re-run it with the same --shares options.", OneLine());
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(run.PathOf("shares.csv")));
        Assert.False(File.Exists(output + ".summary.json"));
    }

    [Fact]
    public void a_part_scored_without_shares_is_named_and_so_is_a_part_sending_them_elsewhere()
    {
        var input = Corpus(600);
        var output = run.PathOf("out.csv");
        Ok(run.Run("--input", input, "--output", output, "--shares", run.PathOf("shares.csv"), "--shard", "0/2", "--quiet"));
        Ok(run.Run("--input", input, "--output", output, "--shard", "1/2", "--quiet"));

        Assert.Equal(ExitCodes.BadInput, Merge(output, 2));
        Assert.Contains($"{run.PathOf("out.csv.part-1-of-2")}: mismatched: it was scored without --shares, shard 0 with it", OneLine());

        Ok(run.Run("--input", input, "--output", output, "--shares", run.PathOf("other.csv"), "--shard", "1/2", "--quiet", "--force"));
        Assert.Equal(ExitCodes.BadInput, Merge(output, 2));
        Assert.Contains($"out.csv.part-1-of-2: its manifest sends the shares to {run.PathOf("other.csv")}, shard 0's to {run.PathOf("shares.csv")}; pass --shares FILE to merge", OneLine());
        Ok(Merge(output, 2, "--shares", run.PathOf("chosen.csv")));
        Assert.True(File.Exists(run.PathOf("chosen.csv")));
    }

    [Fact]
    public void a_damaged_or_missing_sidecar_is_a_one_line_error_naming_it_and_nothing_is_written()
    {
        var input = Corpus(600);
        var output = run.PathOf("out.csv");
        Shards(input, output, run.PathOf("shares.csv"), 2);
        var sidecar = run.PathOf("out.csv.part-1-of-2.shares");
        var good = File.ReadAllBytes(sidecar);

        var flipped = (byte[])good.Clone();
        flipped[^9] ^= 0x40;
        File.WriteAllBytes(sidecar, flipped);
        Assert.Equal(ExitCodes.BadInput, Merge(output, 2));
        Assert.Equal($"error: {sidecar}: does not match its manifest (size or SHA-256): it was changed or cut short after shard 1 finished; run shard 1 again.", OneLine());

        File.Delete(sidecar);
        Assert.Equal(ExitCodes.BadInput, Merge(output, 2));
        Assert.Equal($"error: {sidecar}: missing: shard 1's share statistics; run shard 1 again.", OneLine());

        // Cut short with a manifest made to agree: the bytes themselves are checked as they are read.
        var cut = good[..(good.Length - 100)];
        File.WriteAllBytes(sidecar, cut);
        var manifest = ManifestOf(run.PathOf("out.csv.part-1-of-2"));
        manifest["statistics"]!["shares"]!["bytes"] = cut.Length;
        manifest["statistics"]!["shares"]!["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cut));
        File.WriteAllText(run.PathOf("out.csv.part-1-of-2.json"), manifest.ToJsonString());
        Assert.Equal(ExitCodes.BadInput, Merge(output, 2));
        Assert.Equal($"error: {sidecar}: damaged share statistics (cut short); run shard 1 again.", OneLine());

        Assert.False(File.Exists(output));
        Assert.False(File.Exists(run.PathOf("shares.csv")));
    }

    [Fact]
    public void a_rerun_with_the_same_share_options_is_skipped_and_with_other_ones_needs_force()
    {
        var input = Corpus(600);
        var output = run.PathOf("out.csv");
        Shards(input, output, run.PathOf("shares.csv"), 2);

        Ok(run.Run("--input", input, "--output", output, "--shares", run.PathOf("shares.csv"), "--shard", "1/2"));
        Assert.Contains("already done", run.Stderr);

        Assert.Equal(ExitCodes.BadArguments, run.Run("--input", input, "--output", output, "--shares", run.PathOf("shares.csv"), "--shard", "1/2", "--replicates", "500"));
        Assert.Contains("out.csv.part-1-of-2: exists from other work (it was run with other --shares options (replicates 1000 vs 500)); pass --force", OneLine());

        // A lost sidecar under a matching manifest is redone, like a lost part.
        File.Delete(run.PathOf("out.csv.part-1-of-2.shares"));
        Ok(run.Run("--input", input, "--output", output, "--shares", run.PathOf("shares.csv"), "--shard", "1/2", "--quiet"));
        Assert.True(File.Exists(run.PathOf("out.csv.part-1-of-2.shares")));
        Ok(Merge(output, 2));
    }

    [Fact]
    public void a_small_state_travels_inside_the_manifest_and_merges_the_same()
    {
        var input = Corpus(700);
        var calibration = run.Write("calibration.csv", string.Concat(File.ReadLines(Repo.File("data", "stance-dev.csv")).Take(121).Select(l => l + "\n")));
        string[] options = ["--calibration", calibration, "--replicates", "200"];
        Ok(run.Run(["--input", input, "--shares", run.PathOf("one-shares.csv"), .. options, "--quiet"]));
        Shards(input, run.PathOf("out.csv"), run.PathOf("shares.csv"), 2, options);

        Assert.False(File.Exists(run.PathOf("out.csv.part-0-of-2.shares")));
        var entry = ManifestOf(run.PathOf("out.csv.part-0-of-2"))["statistics"]!["shares"]!;
        Assert.True(entry["inline"]!.GetValue<string>().Length > 0);
        Assert.Equal(calibration, entry["options"]!["calibration"]!.GetValue<string>());
        Ok(Merge(run.PathOf("out.csv"), 2));
        Assert.Equal(File.ReadAllBytes(run.PathOf("one-shares.csv")), File.ReadAllBytes(run.PathOf("shares.csv")));
    }

    [Fact]
    public void merge_refuses_an_existing_shares_file_without_force_and_shares_when_the_parts_carry_none()
    {
        var input = Corpus(500);
        Shards(input, run.PathOf("out.csv"), run.PathOf("shares.csv"), 2);
        File.WriteAllText(run.PathOf("shares.csv"), "mine\n");

        Assert.Equal(ExitCodes.BadArguments, Merge(run.PathOf("out.csv"), 2));
        Assert.Equal($"error: {run.PathOf("shares.csv")}: exists; pass --force to replace it.", OneLine());
        Assert.Equal("mine\n", File.ReadAllText(run.PathOf("shares.csv")));
        Assert.False(File.Exists(run.PathOf("out.csv")));

        for (var i = 0; i < 2; i++) Ok(run.Run("--input", input, "--output", run.PathOf("plain.csv"), "--shard", $"{i}/2", "--quiet"));
        Assert.Equal(ExitCodes.BadArguments, Merge(run.PathOf("plain.csv"), 2, "--shares", run.PathOf("plain-shares.csv")));
        Assert.Contains("the parts carry no share statistics", OneLine());
    }

    [Fact]
    public void parquet_output_with_shares_gives_the_csv_outputs_shares_single_and_sharded()
    {
        var input = Corpus(1500);
        Ok(run.Run(["--input", input, "--output", run.PathOf("one.csv"), "--shares", run.PathOf("csv-shares.csv"), .. ByGroupAndQuarter, "--quiet"]));
        Ok(run.Run(["--input", input, "--output", run.PathOf("one.parquet"), "--shares", run.PathOf("parquet-shares.csv"), .. ByGroupAndQuarter, "--quiet"]));
        Assert.Equal(File.ReadAllBytes(run.PathOf("csv-shares.csv")), File.ReadAllBytes(run.PathOf("parquet-shares.csv")));

        Shards(input, run.PathOf("out.parquet"), run.PathOf("shares.csv"), 3, ByGroupAndQuarter);
        Ok(Merge(run.PathOf("out.parquet"), 3));
        Assert.Equal(File.ReadAllBytes(run.PathOf("csv-shares.csv")), File.ReadAllBytes(run.PathOf("shares.csv")));
        Assert.Equal(File.ReadAllBytes(run.PathOf("one.parquet")), File.ReadAllBytes(run.PathOf("out.parquet")));
    }

    [Fact]
    public void parquet_input_keys_the_draws_by_row_index_whatever_the_output_format()
    {
        var input = ParquetCorpus.Write(run.PathOf("corpus.parquet"), 1800, groupRows: 250, seed: 4);
        string[] grouping = ["--group-by", "flag", "--date-column", "published", "--period", "week"];
        Ok(run.Run(["--input", input, "--output", run.PathOf("one.csv"), "--shares", run.PathOf("csv-shares.csv"), .. grouping, "--quiet"]));
        Ok(run.Run(["--input", input, "--output", run.PathOf("one.parquet"), "--shares", run.PathOf("parquet-shares.csv"), .. grouping, "--quiet"]));

        Assert.Equal(File.ReadAllBytes(run.PathOf("csv-shares.csv")), File.ReadAllBytes(run.PathOf("parquet-shares.csv")));
        var (_, rows) = ScoringRun.ReadCsv(run.PathOf("csv-shares.csv"));
        Assert.Contains(rows, r => r[0] == "true" && r[1] == "2019-09-30");
        Assert.Contains(rows, r => r[0] == "false" && r[1] == "2019-10-21");

        // Shards writing CSV from the Parquet input merge to the same file.
        Shards(input, run.PathOf("out.csv"), run.PathOf("shares.csv"), 3, grouping);
        Ok(Merge(run.PathOf("out.csv"), 3));
        Assert.Equal(File.ReadAllBytes(run.PathOf("csv-shares.csv")), File.ReadAllBytes(run.PathOf("shares.csv")));
    }
}
