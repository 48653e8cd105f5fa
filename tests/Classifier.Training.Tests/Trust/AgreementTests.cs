using System.Text.Json;
using Classifier.Core.Trust;

namespace Classifier.Training.Tests.Trust;

/// <summary>
/// Agreement figures against published worked examples, and <c>classifier-train agreement</c> end to end.
/// </summary>
public sealed class AgreementTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Fleiss, J. L. (1971), "Measuring nominal scale agreement among many raters", Psychological Bulletin
    /// 76(5), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (1 depression, 2 personality disorder,
    /// 3 schizophrenia, 4 neurosis, 5 other); as distributed in R's irr package (data "diagnoses").
    /// Published: kappa = 0.430; per category 0.245, 0.245, 0.520, 0.471, 0.566.
    /// </summary>
    private static readonly int[][] Fleiss1971 =
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
        [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
        [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
        [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
        [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ];

    /// <summary>
    /// Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability", the worked example C: 4 observers,
    /// 12 units, values 1-5, missing data ("." here empty). Published nominal alpha = 0.743.
    /// </summary>
    private const string Krippendorff2011 = "unit,A,B,C,D\n1,1,1,,1\n2,2,2,3,2\n3,3,3,3,3\n4,3,3,3,3\n5,2,2,2,2\n6,1,2,3,4\n7,4,4,4,4\n8,1,1,2,1\n9,2,2,2,2\n10,,5,5,5\n11,,,1,1\n12,,,3,\n";

    private static int[,] Matrix(int[][] rows)
    {
        var m = new int[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j] - 1;
        return m;
    }

    [Fact]
    public void fleiss_kappa_is_0_430_on_fleiss_1971_table_1_with_his_per_category_kappas()
    {
        var ratings = Matrix(Fleiss1971);
        var coders = Enumerable.Range(0, 6).ToArray();

        Assert.Equal(0.430, AgreementStatistics.FleissKappa(ratings, coders, 5), 3);
        var perLabel = AgreementStatistics.PerLabel(ratings, coders, 5).Select(x => Math.Round(x.Kappa, 3)).ToArray();
        Assert.Equal([0.245, 0.245, 0.520, 0.471, 0.566], perLabel);
    }

    [Fact]
    public void krippendorff_alpha_is_0_743_on_krippendorffs_own_example_with_missing_values()
    {
        var path = _dir.Write("k.csv", Krippendorff2011);
        var table = CodingTable.ReadWide(path, ["A", "B", "C", "D"], "text", needText: false);

        Assert.Equal(0.743, AgreementStatistics.KrippendorffAlphaNominal(table.Ratings, [0, 1, 2, 3], table.Labels.Count), 3);
    }

    /// <summary>
    /// The worked 2x2 example of the Wikipedia article "Cohen's kappa" (50 proposals, readers A and B:
    /// yes/yes 20, yes/no 5, no/yes 10, no/no 15): p_o = 0.70, p_e = 0.50, kappa = 0.40. On two coders
    /// Krippendorff's alpha is Scott's pi corrected for sample size, here 0.400 as well (p_e of Scott's pi 0.505).
    /// </summary>
    [Fact]
    public void cohens_kappa_is_0_40_on_the_textbook_two_by_two_table()
    {
        var rows = Enumerable.Repeat("t,Yes,Yes", 20).Concat(Enumerable.Repeat("t,Yes,No", 5))
            .Concat(Enumerable.Repeat("t,No,Yes", 10)).Concat(Enumerable.Repeat("t,No,No", 15));
        var path = _dir.Write("c.csv", "text,a,b\n" + string.Join("\n", rows) + "\n");
        var table = CodingTable.ReadWide(path, ["a", "b"], "text", needText: false);

        Assert.Equal(0.400, AgreementStatistics.CohenKappa(table.Ratings, 0, 1, 2), 6);
        // Scott's pi (= Fleiss on two coders) = (0.70 - 0.505) / 0.495.
        Assert.Equal((0.70 - 0.505) / 0.495, AgreementStatistics.FleissKappa(table.Ratings, [0, 1], 2), 6);
    }

    [Fact]
    public void the_command_prints_every_figure_and_the_same_seed_gives_the_same_intervals_in_json()
    {
        var path = _dir.Write("k.csv", Krippendorff2011);
        var (code, log, err) = Run("agreement", "--input", path, "--annotators", "A,B,C,D", "--json", _dir.File("a.json"), "--disagreements", _dir.File("d.csv"));
        Assert.True(code == 0, err);
        Assert.Contains("0.743", log);
        Assert.Contains("Cohen's kappa per pair", log);
        var first = File.ReadAllText(_dir.File("a.json"));
        Assert.Equal(0, Run("agreement", "--input", path, "--annotators", "A,B,C,D", "--json", _dir.File("a.json"), "--force").Code);
        Assert.Equal(first, File.ReadAllText(_dir.File("a.json")));

        using var json = JsonDocument.Parse(first);
        var root = json.RootElement;
        Assert.Equal(6, root.GetProperty("pairs").GetArrayLength());
        var alpha = root.GetProperty("krippendorff_alpha").GetDouble();
        Assert.Equal(0.743, alpha, 3);
        Assert.InRange(alpha, root.GetProperty("krippendorff_alpha_ci_low").GetDouble(), root.GetProperty("krippendorff_alpha_ci_high").GetDouble());
        // Units 2, 6 and 8 are the ones coded differently.
        var disagreements = CsvTable.Read(_dir.File("d.csv"));
        Assert.Equal(["2", "6", "8"], disagreements.Rows.Select(r => r[0]));
        Assert.Equal(["item", "A", "B", "C", "D", "majority"], disagreements.Headers);
    }

    [Fact]
    public void long_format_gives_the_same_figures_as_wide()
    {
        var lines = new List<string> { "item,annotator,label" };
        for (var i = 0; i < Fleiss1971.Length; i++)
            for (var r = 0; r < 6; r++) lines.Add($"p{i + 1},rater{r + 1},{Fleiss1971[i][r]}");
        var path = _dir.Write("long.csv", string.Join("\n", lines) + "\n");

        var (code, log, err) = Run("agreement", "--input", path, "--json", _dir.File("l.json"));

        Assert.True(code == 0, err);
        Assert.Contains("30 items, 6 annotators", log);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File("l.json")));
        Assert.Equal(0.430, json.RootElement.GetProperty("fleiss_kappa").GetDouble(), 3);
    }

    [Fact]
    public void the_model_is_scored_as_one_more_coder_beside_the_annotators()
    {
        var texts = new[]
        {
            "Backdoors weaken everyone's security and must never be built.",
            "Police need lawful access to encrypted messages to stop child abuse.",
            "The committee meets on Tuesday to discuss the bill.",
            "Strong encryption protects journalists and dissidents.",
        };
        var rows = texts.Select((t, i) => $"\"{t}\",{(i % 3 == 0 ? "pro-privacy" : i == 1 ? "pro-access" : "neutral")},{(i == 2 ? "pro-access" : i % 3 == 0 ? "pro-privacy" : i == 1 ? "pro-access" : "neutral")}");
        var path = _dir.Write("m.csv", "text,ann1,ann2\n" + string.Join("\n", rows) + "\n");

        var (code, log, err) = Run("agreement", "--input", path, "--annotators", "ann1,ann2", "--model", Repo.File("models", "stance.zip"), "--json", _dir.File("m.json"));

        Assert.True(code == 0, err);
        Assert.Contains("annotators + model", log);
        Assert.Contains("model with annotator", log);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File("m.json")));
        var pairs = json.RootElement.GetProperty("pairs").EnumerateArray().Select(p => (p.GetProperty("a").GetString(), p.GetProperty("b").GetString())).ToArray();
        Assert.Equal([("ann1", "ann2"), ("ann1", "model"), ("ann2", "model")], pairs);
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("with_model").ValueKind);
    }

    [Fact]
    public void a_coder_giving_one_item_two_labels_in_long_format_is_one_line_naming_the_row_and_column()
    {
        var path = _dir.Write("bad.csv", "item,annotator,label\n1,ann,yes\n1,bob,yes\n1,ann,no\n");
        var (code, _, err) = Run("agreement", "--input", path, "--json", _dir.File("x.json"));
        Assert.Equal(3, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("bad.csv: row 3, column 'label': annotator 'ann' coded item '1' as 'no' here and as 'yes' in row 1", err);
        Assert.False(File.Exists(_dir.File("x.json")));
    }
}
