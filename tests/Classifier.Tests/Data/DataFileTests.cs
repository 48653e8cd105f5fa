using System.Text.RegularExpressions;
using Classifier.Core.Contract;
using Classifier.Core.Data;
using Classifier.Tests.Support;
using CsvHelper;

namespace Classifier.Tests.Data;

/// <summary>Checks the shipped labeled files against the rules in data/README.md.</summary>
public sealed class DataFileTests
{
    private static readonly string[] HeldOutColumns = ["text", "label", "source"];
    private static readonly string[] TaggedColumns = ["text", "label", "source", "register", "year", "hard_case"];

    /// <summary>The registers of the rows written for the second data round (data/README.md).</summary>
    private static readonly string[] Registers =
        ["parliament", "court", "official", "letter", "news", "opinion", "technical", "social", "company", "offtopic"];

    private static readonly string[] HardCases = ["other-side-words", "loaded-neutral", "attributed", "rhetoric", "long", "fragment"];

    private sealed record Row(string Text, string Label, string Source, string Register, string Year, string HardCase, long Line)
    {
        /// <summary>Rows of the second round carry the batch in their source (<c>authored-b01</c>).</summary>
        public bool IsNew => Regex.IsMatch(Source, "^authored-b0[0-9]$");
    }

    public static TheoryData<string> Files => new() { "stance.csv", "stance-dev.csv", "stance-test.csv", "stance-ood.csv" };

    private static bool Tagged(string name) => name is "stance.csv" or "stance-dev.csv";

    private static List<Row> ReadRaw(string name)
    {
        var path = Repo.File("data", name);
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions
        {
            Separator = ',', TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw, FieldCountMismatch = CsvFieldCountHandling.Throw,
        });
        var tagged = Tagged(name);
        Assert.Equal(tagged ? TaggedColumns : HeldOutColumns, reader.Headers);
        var rows = new List<Row>();
        while (reader.Read())
        {
            rows.Add(tagged
                ? new Row(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.LineNumber)
                : new Row(reader.GetString(0), reader.GetString(1), reader.GetString(2), "", "", "", reader.LineNumber));
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void every_row_has_text_an_allowed_label_and_a_source(string name)
    {
        foreach (var row in ReadRaw(name))
        {
            Assert.False(string.IsNullOrWhiteSpace(row.Text), $"{name} line {row.Line}: empty text");
            Assert.True(StanceLabels.All.Contains(row.Label), $"{name} line {row.Line}: label '{row.Label}'");
            Assert.Matches("^(seed-letter|seed-article|authored|authored-ood|authored-b0[0-9]|authored-bdev)$", row.Source);
            Assert.DoesNotContain('\n', row.Text);
        }
    }

    [Theory]
    [InlineData("stance.csv")]
    [InlineData("stance-dev.csv")]
    public void every_tagged_row_has_a_register_a_year_and_a_known_hard_case(string name)
    {
        foreach (var row in ReadRaw(name))
        {
            var where = $"{name} line {row.Line}";
            Assert.True(Registers.Contains(row.Register) || (row.Register == "authored-general" && row.Source == "authored"), $"{where}: register '{row.Register}'");
            Assert.True(int.TryParse(row.Year, out var year) && year is >= 1970 and <= 2026, $"{where}: year '{row.Year}'");
            // The first round's rows were not tagged by hard case; every later row is.
            if (row.Source == "authored" || row.Source.StartsWith("seed-", StringComparison.Ordinal)) Assert.Equal("", row.HardCase);
            else Assert.True(row.HardCase == "none" || HardCases.Contains(row.HardCase), $"{where}: hard_case '{row.HardCase}'");
            var words = row.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (row.HardCase == "long") Assert.True(words is >= 40 and <= 90, $"{where}: tagged long with {words} words");
            if (row.HardCase == "fragment") Assert.True(words is >= 2 and <= 6, $"{where}: tagged fragment with {words} words");
            if (row.Register == "offtopic") Assert.True(row.Label == StanceLabels.Neutral, $"{where}: an off-topic row must be neutral");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void no_file_holds_a_near_duplicate(string name)
    {
        var dupes = ReadRaw(name).GroupBy(r => TextKey.Of(r.Text)).Where(g => g.Count() > 1).Select(g => $"lines {string.Join("/", g.Select(r => r.Line))}").ToList();
        Assert.True(dupes.Count == 0, $"{name}: near-duplicates at {string.Join(", ", dupes.Take(5))}");
    }

    [Fact]
    public void no_two_files_share_a_near_duplicate()
    {
        var names = new[] { "stance.csv", "stance-dev.csv", "stance-test.csv", "stance-ood.csv" };
        var keys = names.ToDictionary(f => f, f => ReadRaw(f).Select(r => TextKey.Of(r.Text)).ToHashSet());
        foreach (var a in keys.Keys)
        foreach (var b in keys.Keys.Where(b => string.CompareOrdinal(a, b) < 0))
        {
            var shared = keys[a].Intersect(keys[b]).Take(3).ToList();
            Assert.True(shared.Count == 0, $"{a} and {b} share near-duplicates: {string.Join(" | ", shared)}");
        }
    }

    [Theory]
    [InlineData("stance.csv", 9000, 2800, 0.38)]
    [InlineData("stance-dev.csv", 900, 280, 0.40)]
    [InlineData("stance-test.csv", 450, 130, 0.40)]
    [InlineData("stance-ood.csv", 300, 100, 0.40)]
    public void files_are_large_and_balanced_enough(string name, int minRows, int minPerLabel, double maxShare)
    {
        var rows = ReadRaw(name);
        Assert.True(rows.Count >= minRows, $"{name}: {rows.Count} rows < {minRows}");
        foreach (var label in StanceLabels.All)
        {
            var n = rows.Count(r => r.Label == label);
            Assert.True(n >= minPerLabel, $"{name}: {label} has {n} rows < {minPerLabel}");
            Assert.True(n <= maxShare * rows.Count, $"{name}: {label} is {n}/{rows.Count}, above {maxShare:P0}");
        }
    }

    [Fact]
    public void new_training_rows_cover_every_register_era_and_hard_case()
    {
        var rows = ReadRaw("stance.csv").Where(r => r.IsNew).ToList();
        Assert.True(rows.Count >= 6000, $"only {rows.Count} new rows");
        foreach (var register in Registers)
        {
            var n = rows.Count(r => r.Register == register);
            Assert.True(n >= 0.06 * rows.Count, $"register {register}: {n} of {rows.Count} new rows, under 6%");
        }
        var recent = rows.Count(r => int.Parse(r.Year) >= 2021);
        Assert.True(recent * 3 >= rows.Count, $"{recent} of {rows.Count} new rows from 2021-2026, under a third");
        foreach (var (from, to) in new[] { (1990, 1999), (2014, 2016), (2017, 2020) })
        {
            var n = rows.Count(r => int.Parse(r.Year) is var y && y >= from && y <= to);
            Assert.True(n >= 0.05 * rows.Count, $"{from}-{to}: {n} new rows, under 5%");
        }
        foreach (var hard in HardCases)
        {
            var n = rows.Count(r => r.HardCase == hard);
            Assert.True(n >= 300, $"hard case {hard}: {n} new rows < 300");
        }
    }

    [Theory]
    [InlineData("stance.csv")]
    [InlineData("stance-dev.csv")]
    public void every_on_topic_register_is_balanced(string name)
    {
        // A register written mostly for one side would teach the model the register, not the stance.
        foreach (var group in ReadRaw(name).Where(r => Registers.Contains(r.Register) && r.Register != "offtopic").GroupBy(r => r.Register))
        {
            foreach (var label in StanceLabels.All)
            {
                var n = group.Count(r => r.Label == label);
                Assert.True(n >= 0.15 * group.Count(), $"{name}: register {group.Key} has {n} {label} of {group.Count()} rows, under 15%");
            }
        }
    }

    [Fact]
    public void the_dev_file_spans_every_register()
    {
        var rows = ReadRaw("stance-dev.csv");
        foreach (var register in Registers)
        {
            var n = rows.Count(r => r.Register == register);
            Assert.True(n >= 0.05 * rows.Count, $"stance-dev.csv: register {register} has {n} of {rows.Count} rows");
        }
    }

    [Fact]
    public void every_sentence_of_the_seed_article_is_in_training_with_its_source()
    {
        var article = File.ReadAllText(Repo.File("seeds", "000_64162829eda0095b.txt"));
        var seedRows = ReadRaw("stance.csv").Where(r => r.Source.StartsWith("seed-", StringComparison.Ordinal)).ToList();

        // Every seed row is verbatim article text, and in file order they are the whole article body.
        foreach (var row in seedRows) Assert.Contains(row.Text, article);
        static string Squeeze(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
        // The file starts with a 'date YYYY-MM-DD' line head that is not prose.
        var body = Regex.Replace(article, @"^\s*date \d{4}-\d{2}-\d{2}\s*", "");
        Assert.Equal(Squeeze(body), Squeeze(string.Concat(seedRows.Select(r => r.Text))));
        Assert.Equal(10, seedRows.Count);
        Assert.All(seedRows, r => Assert.Equal(("news", "2019"), (r.Register, r.Year)));

        // The letter's quotes are labeled as the letter argues: for access.
        string[] quotes =
        [
            "Security enhancements to the virtual world should not make us more vulnerable in the physical world",
            "Companies should not deliberately design their systems to preclude any form of access to content",
            "mere numbers cannot capture the significance of the harm to children",
            "Risks to public safety from Facebook’s proposals are exacerbated",
        ];
        foreach (var quote in quotes)
        {
            var row = Assert.Single(seedRows, r => r.Text.Contains(quote, StringComparison.Ordinal));
            Assert.Equal(("pro-access", "seed-letter"), (row.Label, row.Source));
        }
    }

    [Fact]
    public void every_first_round_row_is_still_there()
    {
        // The second round only adds rows: the 2,844 rows of the first stay, text and label unchanged.
        var rows = ReadRaw("stance.csv").Where(r => r.Source is "authored" || r.Source.StartsWith("seed-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2844, rows.Count);
        Assert.Equal(956, rows.Count(r => r.Label == StanceLabels.ProAccess));
        Assert.Equal(946, rows.Count(r => r.Label == StanceLabels.ProPrivacy));
        Assert.Equal(942, rows.Count(r => r.Label == StanceLabels.Neutral));
        // Their text, label and source, in order, hash to what the first round committed.
        var joined = string.Join("\n", rows.Select(r => $"{r.Text}\t{r.Label}\t{r.Source}"));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(joined)));
        Assert.Equal("e78684c645b5cc918460589e54fbca0afbf3d391cf831603cde1d3224e76c503", hash);
    }

    [Fact]
    public void seed_article_is_the_founding_article_unchanged()
    {
        var shared = Path.Combine(Repo.Root, "..", "shared", "seeds", "000_64162829eda0095b.txt");
        var ours = File.ReadAllBytes(Repo.File("seeds", "000_64162829eda0095b.txt"));
        Assert.Contains("mere numbers cannot capture the significance of the harm to children", System.Text.Encoding.UTF8.GetString(ours));
        if (File.Exists(shared)) Assert.Equal(File.ReadAllBytes(shared), ours);
    }
}
