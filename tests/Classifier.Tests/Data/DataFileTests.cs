using Classifier.Core.Contract;
using Classifier.Core.Data;
using Classifier.Tests.Support;
using CsvHelper;

namespace Classifier.Tests.Data;

/// <summary>Checks the shipped labeled files against the rules in data/README.md.</summary>
public sealed class DataFileTests
{
    private static readonly string[] Columns = ["text", "label", "source"];

    public static TheoryData<string> Files => new() { "stance.csv", "stance-test.csv", "stance-ood.csv" };

    private static List<(string Text, string Label, string Source, long Line)> ReadRaw(string name)
    {
        var path = Repo.File("data", name);
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions
        {
            Separator = ',', TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw, FieldCountMismatch = CsvFieldCountHandling.Throw,
        });
        Assert.Equal(Columns, reader.Headers);
        var rows = new List<(string, string, string, long)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.LineNumber));
        return rows;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void every_row_has_text_an_allowed_label_and_a_source(string name)
    {
        foreach (var (text, label, source, line) in ReadRaw(name))
        {
            Assert.False(string.IsNullOrWhiteSpace(text), $"{name} line {line}: empty text");
            Assert.True(StanceLabels.All.Contains(label), $"{name} line {line}: label '{label}'");
            Assert.Contains(source, new[] { "seed-letter", "seed-article", "authored", "authored-ood" });
            Assert.DoesNotContain('\n', text);
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
    public void held_out_files_share_no_near_duplicate_with_training_or_each_other()
    {
        var train = ReadRaw("stance.csv").Select(r => TextKey.Of(r.Text)).ToHashSet();
        var test = ReadRaw("stance-test.csv").Select(r => TextKey.Of(r.Text)).ToHashSet();
        var ood = ReadRaw("stance-ood.csv").Select(r => TextKey.Of(r.Text)).ToHashSet();
        Assert.Empty(test.Intersect(train));
        Assert.Empty(ood.Intersect(train));
        Assert.Empty(ood.Intersect(test));
    }

    [Theory]
    [InlineData("stance.csv", 2400, 700)]
    [InlineData("stance-test.csv", 450, 130)]
    [InlineData("stance-ood.csv", 300, 100)]
    public void files_are_large_and_balanced_enough(string name, int minRows, int minPerLabel)
    {
        var rows = ReadRaw(name);
        Assert.True(rows.Count >= minRows, $"{name}: {rows.Count} rows < {minRows}");
        foreach (var label in StanceLabels.All)
        {
            var n = rows.Count(r => r.Label == label);
            Assert.True(n >= minPerLabel, $"{name}: {label} has {n} rows < {minPerLabel}");
            Assert.True(n <= 0.40 * rows.Count, $"{name}: {label} is {n}/{rows.Count}, above 40%");
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
        var body = System.Text.RegularExpressions.Regex.Replace(article, @"^\s*date \d{4}-\d{2}-\d{2}\s*", "");
        Assert.Equal(Squeeze(body), Squeeze(string.Concat(seedRows.Select(r => r.Text))));
        Assert.Equal(10, seedRows.Count);

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
    public void seed_article_is_the_founding_article_unchanged()
    {
        var shared = Path.Combine(Repo.Root, "..", "shared", "seeds", "000_64162829eda0095b.txt");
        var ours = File.ReadAllBytes(Repo.File("seeds", "000_64162829eda0095b.txt"));
        Assert.Contains("mere numbers cannot capture the significance of the harm to children", System.Text.Encoding.UTF8.GetString(ours));
        if (File.Exists(shared)) Assert.Equal(File.ReadAllBytes(shared), ours);
    }
}
