using System.Globalization;
using Classifier.Core.Trust;
using Xunit.Abstractions;

namespace Classifier.Training.Tests.Trust;

/// <summary><c>classifier-train audit</c> on a copy of data/stance.csv with labels flipped on purpose.</summary>
public sealed class AuditCommandTests(ITestOutputHelper output) : IDisposable
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

    /// <summary>3,000 rows of data/stance.csv (seeded sample), 5% of them flipped to another label; returns the file and the flipped data rows (1-based).</summary>
    private (string Path, HashSet<int> Flipped) FlippedCopy()
    {
        var source = CsvTable.Read(Repo.File("data", "stance.csv"));
        var random = new Random(7);
        var rows = source.Rows.ToArray();
        random.Shuffle(rows);
        rows = [.. rows.Take(3000).Select(r => (string[])r.Clone())];
        var label = source.Column("label", "label");
        var labels = rows.Select(r => r[label]).Distinct().Order(StringComparer.Ordinal).ToArray();
        var flipped = new HashSet<int>();
        foreach (var i in Enumerable.Range(0, rows.Length).OrderBy(_ => random.Next()).Take(rows.Length / 20))
        {
            var others = labels.Where(l => l != rows[i][label]).ToArray();
            rows[i][label] = others[random.Next(others.Length)];
            flipped.Add(i + 1);
        }
        var path = _dir.File("flipped.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write(string.Join(",", source.Headers) + "\n");
            foreach (var r in rows) writer.Write(string.Join(",", r.Select(Quote)) + "\n");
        }
        return (path, flipped);
    }

    private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"") + "\"";

    [Fact]
    public void the_top_of_the_listing_finds_most_of_the_labels_flipped_on_purpose()
    {
        var (data, flipped) = FlippedCopy();
        var listingPath = _dir.File("audit.csv");

        var (code, log, err) = Run("audit", "--data", data, "--output", listingPath, "--folds", "3");

        Assert.True(code == 0, err);
        Assert.Contains("Estimated label noise per given label", log);
        var listing = CsvTable.Read(listingPath);
        var input = CsvTable.Read(data);
        Assert.Equal([.. input.Headers, "row", "rank", "suggested_label", "p_given", "p_suggested"], listing.Headers);
        var row = listing.Column("row", "row");
        var rank = listing.Column("rank", "rank");
        var pGiven = listing.Column("p_given", "p");
        Assert.Equal(Enumerable.Range(1, listing.Rows.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), listing.Rows.Select(r => r[rank]));
        // Each listed row repeats its input row, and the ranking runs from the least likely given label up.
        foreach (var r in listing.Rows) Assert.Equal(input.Rows[int.Parse(r[row], CultureInfo.InvariantCulture) - 1], r[..input.Headers.Count]);
        var p = listing.Rows.Select(r => double.Parse(r[pGiven], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(p.Order(), p);

        var window = listing.Rows.Take(2 * flipped.Count).Select(r => int.Parse(r[row], CultureInfo.InvariantCulture));
        var found = window.Count(flipped.Contains);
        output.WriteLine($"listed {listing.Rows.Count}; flipped {flipped.Count}; found in the first {2 * flipped.Count}: {found}; among all listed: {listing.Rows.Count(r => flipped.Contains(int.Parse(r[row], CultureInfo.InvariantCulture)))}");
        Assert.True(found >= flipped.Count / 2, $"found {found} of {flipped.Count} flipped rows in the first {2 * flipped.Count} listed ({listing.Rows.Count} listed)");
    }

    [Fact]
    public void the_listing_never_replaces_an_existing_file_or_the_input()
    {
        var data = _dir.Write("d.csv", "text,label\na,x\nb,y\n");
        var existing = _dir.Write("out.csv", "keep");

        var (code, _, err) = Run("audit", "--data", data, "--output", existing);
        Assert.Equal(2, code);
        Assert.Contains("already exists", err);
        Assert.Equal("keep", File.ReadAllText(existing));

        (code, _, err) = Run("audit", "--data", data, "--output", data, "--force");
        Assert.Equal(2, code);
        Assert.Contains("is the input", err);
    }

    [Fact]
    public void a_missing_label_column_is_one_line_naming_the_file_and_the_columns()
    {
        var data = _dir.Write("d.csv", "text,stance\na,x\n");
        var (code, _, err) = Run("audit", "--data", data, "--output", _dir.File("o.csv"));
        Assert.Equal(3, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("d.csv: no label column 'label' (columns found: 'text', 'stance')", err);
        Assert.False(File.Exists(_dir.File("o.csv")));
    }
}
