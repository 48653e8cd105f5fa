using System.Globalization;
using System.Text;
using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Quantification;
using CsvHelper;

/// <summary>
/// The worked example of docs/shares.md: a simulated month-by-month corpus around the 2019 open letter
/// (July 2019 to March 2020) whose pro-access share rises to a peak in October-November and falls back,
/// drawn from one half of data/stance-test.csv (held-out, labeled, so the true share is known), and the
/// other half as a labeled calibration sample.
/// </summary>
internal static class Example
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Months and their true pro-access share; neutral is 30% throughout, pro-privacy the rest.</summary>
    private static readonly (string Month, double Access)[] Months =
    [
        ("2019-07", 0.20), ("2019-08", 0.20), ("2019-09", 0.25), ("2019-10", 0.55), ("2019-11", 0.60),
        ("2019-12", 0.45), ("2020-01", 0.35), ("2020-02", 0.30), ("2020-03", 0.25),
    ];

    private const int RowsPerMonth = 300;

    /// <summary>example DIR [--data data/stance-test.csv] [--seed N]: writes DIR/corpus.csv, DIR/calibration.csv and DIR/truth.csv.</summary>
    public static int Write(string[] args)
    {
        var folder = args.Length > 0 ? args[0] : throw ClassifierException.Arguments("usage: classifier-shares-bench example DIR");
        var data = LabeledCsv.Read(Option(args, "--data", "data/stance-test.csv"));
        var seed = int.Parse(Option(args, "--seed", "20191004"), Inv);
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var byLabel = data.Labels.ToDictionary(l => l, l => data.Rows.Where(r => r.Label == l).OrderBy(_ => random.Next()).ToArray());
        // Every other row of each label to the calibration sample, the rest to draw the corpus from.
        var calibration = byLabel.Values.SelectMany(rows => rows.Where((_, i) => i % 2 == 0)).ToArray();
        var pool = byLabel.ToDictionary(kv => kv.Key, kv => kv.Value.Where((_, i) => i % 2 == 1).ToArray());

        using (var writer = Csv(Path.Combine(folder, "calibration.csv"), "text", "label"))
        {
            foreach (var row in calibration) Row(writer, row.Text, row.Label);
        }
        using (var corpus = Csv(Path.Combine(folder, "corpus.csv"), "id", "month", "text"))
        using (var truth = Csv(Path.Combine(folder, "truth.csv"), "month", "label", "true_share"))
        {
            var id = 0;
            foreach (var (month, access) in Months)
            {
                var mix = new Dictionary<string, double> { ["neutral"] = 0.30, ["pro-access"] = access, ["pro-privacy"] = 0.70 - access };
                var labels = data.Labels.ToArray();
                var counts = ShiftedMixes.Counts(labels.Select(l => mix[l]).ToArray(), RowsPerMonth);
                var rows = labels.SelectMany((l, i) => Enumerable.Range(0, counts[i]).Select(_ => pool[l][random.Next(pool[l].Length)])).OrderBy(_ => random.Next()).ToArray();
                foreach (var row in rows) Row(corpus, (++id).ToString(Inv), month, row.Text);
                for (var i = 0; i < labels.Length; i++) Row(truth, month, labels[i], ((double)counts[i] / RowsPerMonth).ToString("0.000", Inv));
            }
        }
        Console.WriteLine($"Wrote {folder}/corpus.csv ({Months.Length * RowsPerMonth:N0} rows, {Months.Length} months), {folder}/calibration.csv ({calibration.Length} labeled rows) and {folder}/truth.csv.");
        return 0;
    }

    /// <summary>example-table TRUTH.csv SHARES.csv [SHARES.csv ...]: the true share beside each shares file's estimates, as a markdown table.</summary>
    public static int Table(string[] args)
    {
        if (args.Length < 2) throw ClassifierException.Arguments("usage: classifier-shares-bench example-table TRUTH.csv SHARES.csv [SHARES.csv ...]");
        var truth = Read(args[0]).ToDictionary(r => (r["month"], r["label"]), r => double.Parse(r["true_share"], Inv));
        var files = args.Skip(1).Select(f => (Name: Path.GetFileNameWithoutExtension(f), Rows: Read(f).ToDictionary(r => (r["period"], r["label"])))).ToArray();
        foreach (var label in truth.Keys.Select(k => k.Item2).Distinct())
        {
            Console.WriteLine($"{label}:");
            Console.WriteLine();
            Console.WriteLine($"| month | true share | cc_share | {string.Join(" | ", files.Select(f => $"share ({f.Name}) [95% interval]"))} |");
            Console.WriteLine($"|---|---:|---:|{string.Concat(files.Select(_ => "---:|"))}");
            var errors = new double[files.Length + 1];
            var covered = new int[files.Length];
            var months = truth.Keys.Where(k => k.Item2 == label).Select(k => k.Item1).ToArray();
            foreach (var month in months)
            {
                var t = truth[(month, label)];
                var cc = double.Parse(files[0].Rows[(month, label)]["cc_share"], Inv);
                errors[0] += Math.Abs(cc - t) / months.Length;
                var cells = files.Select((f, i) =>
                {
                    var row = f.Rows[(month, label)];
                    var share = double.Parse(row["share"], Inv);
                    double low = double.Parse(row["ci_low"], Inv), high = double.Parse(row["ci_high"], Inv);
                    errors[i + 1] += Math.Abs(share - t) / months.Length;
                    if (low <= t && t <= high) covered[i]++;
                    return $"{P(share)} [{P(low)}, {P(high)}]";
                });
                Console.WriteLine($"| {month} | {P(t)} | {P(cc)} | {string.Join(" | ", cells)} |");
            }
            Console.WriteLine($"| MAE | | {errors[0]:0.000} | {string.Join(" | ", files.Select((_, i) => $"{errors[i + 1]:0.000} (covers {covered[i]}/{months.Length})"))} |");
            Console.WriteLine();
        }
        return 0;
    }

    private static string P(double v) => (v * 100).ToString("0.0", Inv) + "%";

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static CsvWriter Csv(string path, params string[] header)
    {
        var writer = CsvWriter.Create(File.Create(path), new CsvWriterOptions { NewLine = "\n" }, leaveOpen: false);
        foreach (var h in header) writer.WriteField(h);
        writer.EndRecord();
        return writer;
    }

    private static void Row(CsvWriter writer, params string[] fields)
    {
        foreach (var f in fields) writer.WriteField(f);
        writer.EndRecord();
    }

    private static List<Dictionary<string, string>> Read(string path)
    {
        if (!File.Exists(path)) throw ClassifierException.Input($"{path}: file not found.");
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions());
        var headers = reader.Headers.ToArray();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read()) rows.Add(headers.Select((h, i) => (h, v: reader.GetString(i))).ToDictionary(x => x.h, x => x.v));
        return rows;
    }
}
