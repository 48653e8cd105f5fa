using Classifier.Core;
using Classifier.Core.Scoring.Shards;

namespace Classifier.Scoring.Tests.Shards;

public sealed class ParquetTests : IDisposable
{
    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    private string Input(int rows = 3000, int groupRows = 450) => ParquetCorpus.Write(run.PathOf("corpus.parquet"), rows, groupRows, seed: 21);

    [Fact]
    public void parquet_output_keeps_every_input_column_with_its_type_and_row_groups_and_adds_label_and_float_probabilities()
    {
        var input = Input();
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("out.parquet"), "--quiet"));

        var (inFields, inColumns, inGroups) = ParquetCorpus.Read(input);
        var (outFields, outColumns, outGroups) = ParquetCorpus.Read(run.PathOf("out.parquet"));
        Assert.Equal(inGroups, outGroups);
        Assert.Equal(["id", "text", "score", "published", "flag", "year", "predicted_label", "confidence", "p_neutral", "p_pro-access", "p_pro-privacy"], outFields.Select(f => f.Name));
        for (var c = 0; c < inFields.Count; c++)
        {
            Assert.Equal(inFields[c].ClrType, outFields[c].ClrType);
            Assert.Equal(inFields[c].IsNullable, outFields[c].IsNullable);
            Assert.Equal(inColumns[c], outColumns[c]);
        }
        Assert.Equal(typeof(float), outFields[7].ClrType);
        Assert.True(Classifier.Parquet.ParquetColumns.IsText(outFields[6]));
        for (var i = 0; i < inColumns[1].Length; i++)
        {
            var text = (string?)inColumns[1][i];
            if (string.IsNullOrWhiteSpace(text))
            {
                Assert.Null(outColumns[6][i]);
                Assert.Null(outColumns[8][i]);
                continue;
            }
            var p = new[] { (float)outColumns[8][i]!, (float)outColumns[9][i]!, (float)outColumns[10][i]! };
            Assert.Equal(1f, p.Sum(), 3);
            Assert.Equal(p.Max(), (float)outColumns[7][i]!);
            Assert.Equal(new[] { "neutral", "pro-access", "pro-privacy" }[Array.IndexOf(p, p.Max())], outColumns[6][i]);
        }
    }

    [Theory]
    [InlineData("corpus.parquet")]
    [InlineData("corpus.csv")]
    public void parquet_and_csv_outputs_carry_the_same_predictions_from_either_input(string inputName)
    {
        var input = inputName.EndsWith(".csv") ? ShardCorpus.Write(run.PathOf(inputName), 1200, 4) : Input(1200, 500);
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("out.csv"), "--quiet"));
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("out.parquet"), "--quiet"));
        var (header, csvRows) = ScoringRun.ReadCsv(run.PathOf("out.csv"));
        var (fields, columns, _) = ParquetCorpus.Read(run.PathOf("out.parquet"));

        Assert.Equal(header, fields.Select(f => f.Name));
        var label = header.Length - 5;
        for (var i = 0; i < csvRows.Count; i++)
        {
            Assert.Equal(csvRows[i][label], (string?)columns[label][i] ?? "");
            for (var j = label + 1; j < header.Length && csvRows[i][label].Length > 0; j++)
                // CSV keeps 6 decimals; Parquet the float itself.
                Assert.InRange(Math.Abs(float.Parse(csvRows[i][j], System.Globalization.CultureInfo.InvariantCulture) - (float)columns[j][i]!), 0, 6e-7);
        }
        if (inputName.EndsWith(".parquet"))
        {
            Assert.Equal(["0", "", "", "2019-10-04T00:00:00.0000000", "true", ""], csvRows[0][..6]);
            Assert.Equal("0.14285714285714285", csvRows[1][2]);
        }
    }

    [Theory]
    [InlineData(700, 1L << 40, 600)]
    [InlineData(1 << 20, 40_000L, 0)]
    public void a_row_group_past_the_limits_is_written_as_equal_bounded_row_groups_with_the_same_content(int maxRows, long maxBytes, int expectedRows)
    {
        var input = Input(3000, 3000);
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("whole.parquet"), "--quiet"));
        var job = new Classifier.Core.Scoring.ScoringJobOptions { ModelPath = ScoringRun.ShippedModel, InputPath = input, OutputPath = run.PathOf("pieces.parquet") };
        Classifier.Parquet.ParquetScoring.Run(job, null, CancellationToken.None, new Classifier.Parquet.GroupLimits(maxRows, maxBytes));

        var (wholeFields, wholeColumns, wholeGroups) = ParquetCorpus.Read(run.PathOf("whole.parquet"));
        var (fields, columns, groups) = ParquetCorpus.Read(run.PathOf("pieces.parquet"));
        Assert.Equal([3000L], wholeGroups);
        Assert.True(groups.Count > 1, $"one group of {groups[0]} rows");
        Assert.Equal(3000L, groups.Sum());
        // The fewest equal pieces within the limits: by rows (3000 / 700 -> 5 of 600), or by the footer's byte size.
        if (expectedRows == 0)
        {
            using var source = Classifier.Parquet.ParquetInput.Open(input, "text");
            var pieces = (source.Reader.RowGroups[0].RowGroup.TotalByteSize + maxBytes - 1) / maxBytes;
            expectedRows = (int)((3000 + pieces - 1) / pieces);
        }
        Assert.All(groups.SkipLast(1), g => Assert.Equal(expectedRows, g));
        Assert.InRange(groups[^1], 1, expectedRows);
        Assert.Equal(wholeFields.Select(f => (f.Name, f.ClrType, f.IsNullable)), fields.Select(f => (f.Name, f.ClrType, f.IsNullable)));
        for (var c = 0; c < fields.Count; c++) Assert.Equal(wholeColumns[c], columns[c]);
    }

    [Fact]
    public void an_input_that_already_has_prediction_columns_cannot_be_scored_into_parquet()
    {
        var input = Input(200, 100);
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("scored.csv"), "--quiet"));
        Assert.Equal(ExitCodes.BadInput, run.Run("--input", run.PathOf("scored.csv"), "--output", run.PathOf("again.parquet")));
        Assert.Equal($"error: {run.PathOf("scored.csv")}: has a column 'predicted_label' already (scored before?); a Parquet output cannot hold it twice: drop or rename it.", run.Stderr.Trim());
        Assert.False(File.Exists(run.PathOf("again.parquet")));
    }

    [Theory]
    [InlineData("corpus.parquet", "out.parquet", 4)]
    [InlineData("corpus.parquet", "out.csv", 3)]
    [InlineData("corpus.csv", "out.parquet", 4)]
    public void parquet_shards_merge_to_the_single_run_bytes(string inputName, string outputName, int count)
    {
        var input = inputName.EndsWith(".csv") ? ShardCorpus.Write(run.PathOf(inputName), 3000, 3, malformedEvery: 101) : Input();
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("one-" + outputName), "--quiet"));
        for (var i = 0; i < count; i++)
            Assert.True(run.Run("--input", input, "--output", run.PathOf(outputName), "--shard", $"{i}/{count}", "--quiet") == 0, run.Stderr);
        Assert.True(run.RunAsGiven(null, "merge", "--output", run.PathOf(outputName), "--shards", count.ToString(), "--quiet") == 0, run.Stderr);

        Assert.Equal(File.ReadAllBytes(run.PathOf("one-" + outputName)), File.ReadAllBytes(run.PathOf(outputName)));
    }

    [Fact]
    public void a_parquet_shard_owns_whole_row_groups_and_its_manifest_says_which()
    {
        var input = Input(3000, 450);
        for (var i = 0; i < 3; i++) Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("out.parquet"), "--shard", $"{i}/3", "--quiet"));
        var manifests = Enumerable.Range(0, 3).Select(i => ShardManifest.Read(run.PathOf($"out.parquet.part-{i}-of-3.json"))).ToList();

        // 7 groups (6 of 450 rows, one of 300); slices of 1,000 rows own the groups starting in them.
        Assert.Equal([(0, 3), (3, 5), (5, 7)], manifests.Select(m => (m.Split.FirstRowGroup, m.Split.EndRowGroup)));
        Assert.Equal([1350L, 900, 750], manifests.Select(m => m.Rows.Read));
        Assert.Equal([1L, 1351, 2251], manifests.Select(m => m.Split.FirstRow));
        Assert.All(manifests, m => Assert.Equal("parquet footer", m.Input.Sha256Of));
        Assert.All(manifests, m => Assert.True(m.Input.ReadLength > 0 && m.Input.ReadOffset + m.Input.ReadLength <= m.Input.Size));
        var (_, _, groups) = ParquetCorpus.Read(run.PathOf("out.parquet.part-1-of-3"));
        Assert.Equal([450L, 450], groups);
    }

    [Fact]
    public void a_file_that_is_not_parquet_is_a_one_line_error_and_no_output()
    {
        var input = run.Write("fake.parquet", "id,text\n1,hello\n");
        Assert.Equal(ExitCodes.BadInput, run.Run("--input", input, "--output", run.PathOf("out.parquet")));
        Assert.StartsWith($"error: {input}: not a readable Parquet file", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Equal(["fake.parquet"], run.Files());
    }

    [Fact]
    public void a_missing_text_column_lists_the_columns_found()
    {
        var input = Input(100, 100);
        Assert.Equal(ExitCodes.BadInput, run.Run("--input", input, "--output", run.PathOf("out.csv"), "--text-column", "body"));
        Assert.Equal($"error: {input}: no text column 'body' (columns found: 'id', 'text', 'score', 'published', 'flag', 'year').", run.Stderr.Trim());
    }

    [Fact]
    public void a_text_column_that_is_not_text_is_refused()
    {
        var input = Input(100, 100);
        Assert.Equal(ExitCodes.BadInput, run.Run("--input", input, "--output", run.PathOf("out.parquet"), "--text-column", "year"));
        Assert.Equal($"error: {input}: column 'year' holds Int32, not text.", run.Stderr.Trim());
    }

    [Fact]
    public void sentences_into_parquet_are_refused_with_the_way_out()
    {
        var input = Input(100, 100);
        Assert.Equal(ExitCodes.BadArguments, run.Run("--input", input, "--output", run.PathOf("out.parquet"), "--sentences"));
        Assert.Contains("give --output a .csv or .jsonl name", run.Stderr);
    }
}
