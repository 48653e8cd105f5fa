using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Classifier.Core.IO;
using CsvHelper;

namespace Classifier.Core.Trust;

/// <summary>A figure with its bootstrap 95% interval (percentile, items resampled with replacement).</summary>
/// <param name="Value">The figure on the data as given (NaN when undefined, e.g. a single label).</param>
/// <param name="Low">2.5th percentile of the bootstrap replicates.</param>
/// <param name="High">97.5th percentile of the bootstrap replicates.</param>
internal sealed record Interval(double Value, double Low, double High);

/// <summary>Cohen's kappa for one pair of coders.</summary>
/// <param name="A">First coder.</param>
/// <param name="B">Second coder.</param>
/// <param name="Items">Items both coded.</param>
/// <param name="Kappa">Cohen's kappa with its interval.</param>
internal sealed record PairAgreement(string A, string B, int Items, Interval Kappa);

/// <summary>Agreement on one label.</summary>
/// <param name="Label">The label.</param>
/// <param name="Codes">Codes given it (on items with two or more codes).</param>
/// <param name="Kappa">Fleiss' category kappa κ_j.</param>
/// <param name="Specific">Specific agreement: of the code pairs involving the label, the share where both coders chose it.</param>
internal sealed record LabelAgreement(string Label, int Codes, double Kappa, double Specific);

/// <summary>Every figure <see cref="AgreementReport.Compute"/> gives for one set of coders.</summary>
/// <param name="Coders">The coders these figures are over.</param>
/// <param name="FleissKappa">Fleiss' kappa.</param>
/// <param name="KrippendorffAlpha">Krippendorff's alpha (nominal).</param>
/// <param name="PerLabel">Per-label agreement.</param>
internal sealed record GroupAgreement(IReadOnlyList<string> Coders, Interval FleissKappa, Interval KrippendorffAlpha, IReadOnlyList<LabelAgreement> PerLabel);

/// <summary>The agreement figures of a coding table.</summary>
/// <param name="Table">The codes.</param>
/// <param name="ModelCoder">The name of the model's column when the model was scored as a coder, else null.</param>
/// <param name="Pairs">Cohen's kappa for every pair (the model's pairs too).</param>
/// <param name="Humans">Fleiss and Krippendorff over the human coders.</param>
/// <param name="WithModel">The same with the model as one more coder, or null.</param>
/// <param name="Replicates">Bootstrap replicates.</param>
/// <param name="Seed">Bootstrap seed.</param>
internal sealed record AgreementResult(CodingTable Table, string? ModelCoder, IReadOnlyList<PairAgreement> Pairs, GroupAgreement Humans, GroupAgreement? WithModel, int Replicates, int Seed)
{
    /// <summary>Items on which the coders (the model too, when scored) did not all give the same code.</summary>
    public IEnumerable<int> Disagreements()
    {
        var coders = Table.Coders.Count;
        for (var i = 0; i < Table.ItemIds.Count; i++)
        {
            var codes = Enumerable.Range(0, coders).Select(c => Table.Ratings[i, c]).Where(v => v >= 0).Distinct().Count();
            if (codes > 1) yield return i;
        }
    }
}

/// <summary>Cohen's, Fleiss' and Krippendorff's agreement with seeded bootstrap intervals, the disagreements CSV and the JSON figures.</summary>
internal static class AgreementReport
{
    /// <summary>Default bootstrap replicates.</summary>
    public const int DefaultReplicates = 1000;

    /// <summary>Computes every figure. The last coder is the model when <paramref name="modelCoder"/> is given.</summary>
    public static AgreementResult Compute(CodingTable table, string? modelCoder, int replicates = DefaultReplicates, int seed = 20191004)
    {
        if (replicates < 1) throw ClassifierException.Arguments($"--bootstrap must be positive (got {replicates}).");
        var k = table.Labels.Count;
        var all = Enumerable.Range(0, table.Coders.Count).ToArray();
        var humans = modelCoder is null ? all : all[..^1];
        var n = table.ItemIds.Count;
        var pairs = new List<(int A, int B)>();
        for (var a = 0; a < all.Length; a++)
        {
            for (var b = a + 1; b < all.Length; b++) pairs.Add((a, b));
        }

        // One resample of the items feeds every statistic, so intervals are of the same replicates.
        var statistics = pairs.Count + 2 + (modelCoder is null ? 0 : 2);
        var samples = new double[statistics][];
        for (var s = 0; s < statistics; s++) samples[s] = new double[replicates];
        var random = new Random(seed);
        var drawn = new int[n];
        for (var r = 0; r < replicates; r++)
        {
            for (var i = 0; i < n; i++) drawn[i] = random.Next(n);
            var s = 0;
            foreach (var (a, b) in pairs) samples[s++][r] = AgreementStatistics.CohenKappa(table.Ratings, a, b, k, drawn);
            samples[s++][r] = AgreementStatistics.FleissKappa(table.Ratings, humans, k, drawn);
            samples[s++][r] = AgreementStatistics.KrippendorffAlphaNominal(table.Ratings, humans, k, drawn);
            if (modelCoder is not null)
            {
                samples[s++][r] = AgreementStatistics.FleissKappa(table.Ratings, all, k, drawn);
                samples[s][r] = AgreementStatistics.KrippendorffAlphaNominal(table.Ratings, all, k, drawn);
            }
        }

        var index = 0;
        var pairFigures = pairs.Select(p => new PairAgreement(table.Coders[p.A], table.Coders[p.B], AgreementStatistics.Shared(table.Ratings, p.A, p.B),
            Of(AgreementStatistics.CohenKappa(table.Ratings, p.A, p.B, k), samples[index++]))).ToArray();
        var humanGroup = Group(table, humans, samples[index++], samples[index++]);
        var modelGroup = modelCoder is null ? null : Group(table, all, samples[index++], samples[index]);
        return new AgreementResult(table, modelCoder, pairFigures, humanGroup, modelGroup, replicates, seed);
    }

    private static GroupAgreement Group(CodingTable table, int[] coders, double[] fleiss, double[] alpha)
    {
        var k = table.Labels.Count;
        var perLabel = AgreementStatistics.PerLabel(table.Ratings, coders, k)
            .Select((x, j) => new LabelAgreement(table.Labels[j], x.Codes, x.Kappa, x.Specific)).ToArray();
        return new GroupAgreement([.. coders.Select(c => table.Coders[c])],
            Of(AgreementStatistics.FleissKappa(table.Ratings, coders, k), fleiss),
            Of(AgreementStatistics.KrippendorffAlphaNominal(table.Ratings, coders, k), alpha), perLabel);
    }

    private static Interval Of(double value, double[] replicates)
    {
        var finite = replicates.Where(double.IsFinite).Order().ToArray();
        return finite.Length == 0 ? new Interval(value, double.NaN, double.NaN) : new Interval(value, Quantile(finite, 0.025), Quantile(finite, 0.975));
    }

    /// <summary>Linear-interpolated quantile of sorted values.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var h = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(sorted.Count - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Writes the items the coders disagree on: item, text (when known), each coder's code, then the majority code ("" on a tie).</summary>
    public static int WriteDisagreements(AgreementResult result, string path)
    {
        var table = result.Table;
        var rows = result.Disagreements().ToArray();
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n", Injection = CsvInjection.Escape }, leaveOpen: true);
            csv.WriteField("item");
            if (table.Texts is not null) csv.WriteField("text");
            foreach (var c in table.Coders) csv.WriteField(c);
            csv.WriteField("majority");
            csv.EndRecord();
            foreach (var i in rows)
            {
                csv.WriteField(table.ItemIds[i]);
                if (table.Texts is not null) csv.WriteField(table.Texts[i]);
                var codes = new List<int>();
                for (var c = 0; c < table.Coders.Count; c++)
                {
                    var v = table.Ratings[i, c];
                    csv.WriteField(v < 0 ? "" : table.Labels[v]);
                    // The majority is the humans' (the model is scored, not counted).
                    if (v >= 0 && !(result.ModelCoder is not null && c == table.Coders.Count - 1)) codes.Add(v);
                }
                var top = codes.GroupBy(v => v).Select(g => (Code: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ToArray();
                csv.WriteField(top.Length == 0 || (top.Length > 1 && top[0].Count == top[1].Count) ? "" : table.Labels[top[0].Code]);
                csv.EndRecord();
            }
            csv.Flush();
        });
        return rows.Length;
    }

    /// <summary>
    /// The figures as JSON: items, annotators, labels, pairs [{a, b, items, cohen_kappa, ci_low, ci_high}],
    /// fleiss_kappa and krippendorff_alpha with their _ci_low/_ci_high, per_label, with_model (or null), bootstrap.
    /// Undefined figures are null.
    /// </summary>
    public static string ToJson(AgreementResult result)
    {
        static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null;
        static JsonObject GroupJson(GroupAgreement g) => new()
        {
            ["annotators"] = new JsonArray([.. g.Coders.Select(c => (JsonNode?)c)]),
            ["fleiss_kappa"] = Num(g.FleissKappa.Value),
            ["fleiss_kappa_ci_low"] = Num(g.FleissKappa.Low),
            ["fleiss_kappa_ci_high"] = Num(g.FleissKappa.High),
            ["krippendorff_alpha"] = Num(g.KrippendorffAlpha.Value),
            ["krippendorff_alpha_ci_low"] = Num(g.KrippendorffAlpha.Low),
            ["krippendorff_alpha_ci_high"] = Num(g.KrippendorffAlpha.High),
            ["per_label"] = new JsonArray([.. g.PerLabel.Select(l => (JsonNode?)new JsonObject
            {
                ["label"] = l.Label, ["codes"] = l.Codes, ["kappa"] = Num(l.Kappa), ["specific_agreement"] = Num(l.Specific),
            })]),
        };
        var humans = GroupJson(result.Humans);
        var root = new JsonObject
        {
            ["input"] = result.Table.Path,
            ["items"] = result.Table.ItemIds.Count,
            ["labels"] = new JsonArray([.. result.Table.Labels.Select(l => (JsonNode?)l)]),
            ["pairs"] = new JsonArray([.. result.Pairs.Select(p => (JsonNode?)new JsonObject
            {
                ["a"] = p.A, ["b"] = p.B, ["items"] = p.Items,
                ["cohen_kappa"] = Num(p.Kappa.Value), ["ci_low"] = Num(p.Kappa.Low), ["ci_high"] = Num(p.Kappa.High),
            })]),
        };
        foreach (var (key, value) in humans.ToArray())
        {
            humans.Remove(key);
            root[key] = value;
        }
        root["model"] = result.ModelCoder;
        root["with_model"] = result.WithModel is null ? null : GroupJson(result.WithModel);
        root["disagreements"] = result.Disagreements().Count();
        root["bootstrap"] = new JsonObject { ["replicates"] = result.Replicates, ["seed"] = result.Seed, ["interval"] = "percentile 95%" };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
