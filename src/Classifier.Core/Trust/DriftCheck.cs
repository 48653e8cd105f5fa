using System.Globalization;
using Classifier.Core.Contract;
using Classifier.Core.Features;
using Classifier.Core.Insight.Explain;
using Classifier.Core.IO;
using Classifier.Core.Model;
using CsvHelper;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Core.Trust;

/// <summary>How far a corpus is from the training data.</summary>
internal enum DriftVerdict
{
    /// <summary>Within what held-out data from the training distribution shows.</summary>
    Close,

    /// <summary>Noticeably different: check a sample of the scored rows by hand before trusting the figures.</summary>
    Shifted,

    /// <summary>Unlike the training data: the model's figures on this corpus should not be trusted.</summary>
    Far,
}

/// <summary>One signal of the drift check and the level it reaches.</summary>
/// <param name="Name">What is measured.</param>
/// <param name="Value">The corpus's figure.</param>
/// <param name="Reference">What it is compared with (training side), or null.</param>
/// <param name="Level">The verdict this signal alone gives.</param>
/// <param name="Rule">The thresholds, in words.</param>
internal sealed record DriftSignal(string Name, double Value, double? Reference, DriftVerdict Level, string Rule);

/// <summary>One scored corpus row, for the worst-covered listing.</summary>
/// <param name="Row">1-based data row of the corpus.</param>
/// <param name="Text">The text.</param>
/// <param name="Words">Words in the text.</param>
/// <param name="UnknownWords">Distinct words the model's dictionary lacks.</param>
/// <param name="Predicted">Top label.</param>
/// <param name="Confidence">Its probability.</param>
/// <param name="NearestDistance">Cosine distance to the nearest sampled training text (embeddings models), else null.</param>
internal sealed record DriftRow(long Row, string Text, int Words, IReadOnlyList<string> UnknownWords, string Predicted, double Confidence, double? NearestDistance)
{
    /// <summary>Share of the row's words unknown to the model (occurrences).</summary>
    public double UnknownShare { get; init; }
}

/// <summary>Everything <see cref="DriftCheck.Run"/> measured.</summary>
/// <param name="Rows">Rows measured (a seeded sample when the corpus is larger than the cap).</param>
/// <param name="CorpusRows">Data rows in the corpus.</param>
/// <param name="UnknownWordShare">Share of word occurrences not in the model's word dictionary.</param>
/// <param name="UnknownNgramShares">Per n-gram block (e.g. "word 2-grams", "char 4-grams"): share of occurrences not in its dictionary.</param>
/// <param name="TrainingNgramShares">The same on the training file (in-sample) when it was read, else null.</param>
/// <param name="ConfidenceBins">Top-label confidence histogram of the corpus (<see cref="DriftBaseline.Bins"/> bins).</param>
/// <param name="MeanConfidence">Mean top-label confidence.</param>
/// <param name="LabelShares">Predicted-label mix.</param>
/// <param name="MeanNearestDistance">Mean cosine distance to the nearest sampled training text (embeddings), else null.</param>
/// <param name="Signals">The signals the verdict is drawn from.</param>
/// <param name="Notes">What could not be compared, and why.</param>
/// <param name="Worst">Every measured row, worst covered first.</param>
/// <param name="Baseline">The training side.</param>
internal sealed record DriftReport(
    int Rows, long CorpusRows, double UnknownWordShare, IReadOnlyDictionary<string, double> UnknownNgramShares, IReadOnlyDictionary<string, double>? TrainingNgramShares,
    IReadOnlyList<int> ConfidenceBins, double MeanConfidence, IReadOnlyDictionary<string, double> LabelShares, double? MeanNearestDistance,
    IReadOnlyList<DriftSignal> Signals, IReadOnlyList<string> Notes, IReadOnlyList<DriftRow> Worst, DriftBaseline? Baseline)
{
    /// <summary>The worst level any signal reaches.</summary>
    public DriftVerdict Verdict => Signals.Count == 0 ? DriftVerdict.Close : Signals.Max(s => s.Level);
}

/// <summary>Options of a drift check.</summary>
internal sealed record DriftOptions
{
    /// <summary>The corpus's text column.</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>The training CSV to read when the card's is missing or its hash differs; null to use the card's.</summary>
    public string? TrainingPath { get; init; }

    /// <summary>Training text column.</summary>
    public string TrainingTextColumn { get; init; } = "text";

    /// <summary>Training label column.</summary>
    public string TrainingLabelColumn { get; init; } = "label";

    /// <summary>Rows measured at most (a seeded uniform sample of larger corpora).</summary>
    public int MaxRows { get; init; } = 20_000;

    /// <summary>Sampling seed.</summary>
    public int Seed { get; init; } = 20191004;
}

/// <summary>
/// Compares a corpus with a model's training data: unknown words and n-grams against the model's own
/// dictionaries, the top-label confidence against the card's out-of-fold confidence, the predicted-label
/// mix against the training mix, and for embeddings models the distance to the nearest training texts.
/// Thresholds (docs/trust.md): unknown words above the Good–Turing expectation by under 4 points is close,
/// under 12 shifted, else far; the confidence PSI (less its no-drift expectation) under 0.10 close, under 0.25 shifted, else far; the
/// nearest-text distance under 1.2× the training baseline close, under 1.5× shifted, else far.
/// </summary>
internal static class DriftCheck
{
    /// <summary>Unknown-word excess (corpus minus expected) below which the corpus is close.</summary>
    public const double UnknownClose = 0.04;

    /// <summary>Unknown-word excess below which it is shifted (else far).</summary>
    public const double UnknownShifted = 0.12;

    /// <summary>Confidence population stability index below which the corpus is close.</summary>
    public const double PsiClose = 0.10;

    /// <summary>PSI below which it is shifted (else far).</summary>
    public const double PsiShifted = 0.25;

    /// <summary>Bins the PSI is computed over (pairs of the card's 20).</summary>
    public const int PsiBins = DriftBaseline.Bins / 2;

    /// <summary>Ratio of nearest-text distances below which the corpus is close.</summary>
    public const double DistanceClose = 1.2;

    /// <summary>Ratio below which it is shifted (else far).</summary>
    public const double DistanceShifted = 1.5;

    /// <summary>Runs the check on <paramref name="corpusPath"/> with the model at <paramref name="model"/>'s path.</summary>
    public static DriftReport Run(LoadedModel model, string corpusPath, DriftOptions options)
    {
        var notes = new List<string>();
        var card = ModelCard.TryRead(model.Path);
        if (card is null) notes.Add($"no readable card beside {model.Path}: confidence and label mix are not compared with training.");
        var baseline = card?.Drift;
        var training = TrainingTexts(card, options, notes);
        if (baseline is null && card is not null)
            notes.Add("the card was written before drift baselines were stored (no out-of-fold confidence histogram): retrain to compare confidence; the unknown-word expectation comes from the training file when it can be read.");

        var (rows, corpusRows) = Sample(corpusPath, options);
        if (rows.Count == 0) throw ClassifierException.Input($"{corpusPath}: no rows with a non-empty '{options.TextColumn}'.");

        var dictionary = Dictionaries.Of(model);
        if (dictionary.Words is null) notes.Add("the model has no word dictionary (embeddings only): unknown words and n-grams are not measured.");
        float[][]? sample = null;
        var sidecar = EmbeddingSample.PathFor(model.Path);
        var hasEmbeddings = EmbeddingColumn(model.OutputSchema) is not null;
        if (hasEmbeddings)
        {
            if (File.Exists(sidecar) && baseline?.EmbeddingBaseline is not null) sample = EmbeddingSample.Read(sidecar);
            else notes.Add($"embeddings model without a training-embedding sample ({Path.GetFileName(sidecar)}; written at training time since drift baselines exist): the nearest-text distance is not measured.");
        }

        var measured = Measure(model, rows, dictionary, sample);
        long words = measured.Sum(m => (long)m.Row.Words);
        long unknown = measured.Sum(m => (long)m.UnknownOccurrences);
        var unknownShare = words == 0 ? 0 : (double)unknown / words;
        var ngramShares = dictionary.Blocks.ToDictionary(b => b.Name, b => Share(measured.Select(m => m.Ngrams[b.Name])), StringComparer.Ordinal);
        IReadOnlyDictionary<string, double>? trainingNgrams = null;
        if (training is not null && dictionary.Words is not null)
        {
            var trainMeasured = training.Texts.Take(options.MaxRows).Select(t => dictionary.Count(t.ToLowerInvariant(), DriftBaseline.Words(t))).ToArray();
            trainingNgrams = dictionary.Blocks.ToDictionary(b => b.Name, b => Share(trainMeasured.Select(m => m.Ngrams[b.Name])), StringComparer.Ordinal);
        }

        var confidences = measured.Select(m => m.Row.Confidence).ToArray();
        var bins = DriftBaseline.Histogram(confidences);
        var labelShares = model.Labels.ToDictionary(l => l, l => (double)measured.Count(m => m.Row.Predicted == l) / measured.Length, StringComparer.Ordinal);
        double? meanDistance = sample is null ? null : measured.Average(m => m.Row.NearestDistance!.Value);

        var signals = new List<DriftSignal>();
        if (dictionary.Words is not null)
        {
            var expected = baseline?.ExpectedUnknownWordShare ?? (training is null ? null : DriftBaseline.ExpectedUnknownShare(training.Texts));
            if (expected is null) notes.Add("no training file to estimate the expected unknown-word share: compared with 0.");
            var excess = unknownShare - (expected ?? 0);
            signals.Add(new DriftSignal("unknown words", unknownShare, expected, Level(excess, UnknownClose, UnknownShifted),
                $"excess over the expected share: < {UnknownClose:0.00} close, < {UnknownShifted:0.00} shifted, else far"));
        }
        if (baseline is not null)
        {
            var psi = Psi(baseline.ConfidenceBins, bins);
            // Two samples of one distribution still differ: PSI's expected value under no drift is about
            // (bins - 1)(1/n + 1/m), so a 500-row corpus is not called shifted for its sampling noise alone.
            var noise = (PsiBins - 1) * (1.0 / Math.Max(1, bins.Sum()) + 1.0 / Math.Max(1, baseline.ConfidenceBins.Sum()));
            signals.Add(new DriftSignal("confidence PSI vs out-of-fold", psi, baseline.MeanConfidence, Level(psi - noise, PsiClose, PsiShifted),
                $"population stability index over {PsiBins} bins, less its no-drift expectation {noise:0.000}: < {PsiClose:0.00} close, < {PsiShifted:0.00} shifted, else far"));
        }
        if (meanDistance is { } d && baseline?.EmbeddingBaseline is { } reference && reference > 0)
        {
            signals.Add(new DriftSignal("nearest training text (cosine distance)", d, reference, Level(d / reference, DistanceClose, DistanceShifted),
                $"ratio to the training baseline: < {DistanceClose:0.0} close, < {DistanceShifted:0.0} shifted, else far"));
        }

        var worst = measured.Select(m => m.Row)
            .OrderByDescending(r => r.UnknownShare).ThenByDescending(r => r.NearestDistance ?? 0).ThenBy(r => r.Confidence).ThenBy(r => r.Row)
            .ToArray();
        return new DriftReport(measured.Length, corpusRows, unknownShare, ngramShares, trainingNgrams, bins, confidences.Average(), labelShares, meanDistance,
            signals, notes, worst, baseline ?? (training is null ? null : new DriftBaseline([], 0, DriftBaseline.ExpectedUnknownShare(training.Texts), training.LabelShares)));
    }

    private static DriftVerdict Level(double value, double close, double shifted) =>
        value < close ? DriftVerdict.Close : value < shifted ? DriftVerdict.Shifted : DriftVerdict.Far;

    /// <summary>
    /// Population stability index of two histograms, on pairs of the stored bins (ten bins of 0.1, the usual
    /// PSI resolution, for which the 0.10 / 0.25 rules of thumb were made); bins are smoothed by half a count
    /// so empty ones stay finite.
    /// </summary>
    public static double Psi(IReadOnlyList<int> expected, IReadOnlyList<int> actual)
    {
        expected = Pairs(expected);
        actual = Pairs(actual);
        double e = expected.Sum() + 0.5 * expected.Count, a = actual.Sum() + 0.5 * actual.Count, psi = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var pe = (expected[i] + 0.5) / e;
            var pa = (actual[i] + 0.5) / a;
            psi += (pa - pe) * Math.Log(pa / pe);
        }
        return psi;
    }

    private static int[] Pairs(IReadOnlyList<int> bins) =>
        [.. Enumerable.Range(0, (bins.Count + 1) / 2).Select(i => bins[2 * i] + (2 * i + 1 < bins.Count ? bins[2 * i + 1] : 0))];

    private static double Share(IEnumerable<(long Unknown, long Total)> counts)
    {
        long u = 0, t = 0;
        foreach (var (unknown, total) in counts) { u += unknown; t += total; }
        return t == 0 ? 0 : (double)u / t;
    }

    private sealed record TrainingData(IReadOnlyList<string> Texts, IReadOnlyDictionary<string, double> LabelShares);

    private static TrainingData? TrainingTexts(ModelCard? card, DriftOptions options, List<string> notes)
    {
        string? path = options.TrainingPath;
        if (path is null && card is not null)
        {
            var cardPath = card.Training.Path;
            if (!File.Exists(cardPath)) { notes.Add($"the card's training file {cardPath} is not here (name one with --training)."); return null; }
            if (FileHash.Sha256(cardPath) != card.Training.Sha256) { notes.Add($"{cardPath} has changed since the model was trained (its hash differs from the card's): not used (name the file with --training to use it anyway)."); return null; }
            path = cardPath;
        }
        if (path is null) return null;
        var data = Data.LabeledCsv.Read(path, options.TrainingTextColumn, options.TrainingLabelColumn);
        var shares = data.Labels.ToDictionary(l => l, l => (double)data.Rows.Count(r => r.Label == l) / data.Rows.Count, StringComparer.Ordinal);
        return new TrainingData([.. data.Rows.Select(r => r.Text)], shares);
    }

    private static (List<(long Row, string Text)> Rows, long Total) Sample(string path, DriftOptions options)
    {
        var kept = new List<(long, string)>();
        var random = new Random(options.Seed);
        long seen = 0;
        var rows = Data.StrictCsv.Read(path, (reader, headers) =>
        {
            var text = Data.StrictCsv.Column(path, headers, options.TextColumn, "text");
            long count = 0;
            while (reader.Read())
            {
                count++;
                var value = reader.GetString(text);
                if (string.IsNullOrWhiteSpace(value)) continue;
                seen++;
                // Reservoir sampling: a uniform, seeded sample of any corpus in one pass.
                if (kept.Count < options.MaxRows) kept.Add((count, value));
                else if (random.NextInt64(seen) is var j && j < options.MaxRows) kept[(int)j] = (count, value);
            }
            return count;
        });
        kept.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return (kept, rows);
    }

    private sealed record Measured(DriftRow Row, int UnknownOccurrences, Dictionary<string, (long Unknown, long Total)> Ngrams);

    /// <summary>The sentence-vector column of a model's output (fp32 or int8 encoder), or null for n-gram models.</summary>
    private static DataViewSchema.Column? EmbeddingColumn(DataViewSchema schema) =>
        SentenceEmbeddings.Current is { } embeddings
            ? Enum.GetValues<EmbeddingsPrecision>().Select(p => schema.GetColumnOrNull(embeddings.OutputColumnFor(p))).FirstOrDefault(c => c is not null)
            : null;

    private static Measured[] Measure(LoadedModel model, List<(long Row, string Text)> rows, Dictionaries dictionary, float[][]? sample)
    {
        var ml = new MLContext();
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new TextInput { Text = r.Text }));
        var scored = model.Transformer.Transform(view);
        var result = new Measured[rows.Count];
        var schema = scored.Schema;
        var normalized = schema.GetColumnOrNull("NormalizedText");
        var embedding = sample is null ? null : EmbeddingColumn(schema);
        var columns = new[] { schema[ModelSchema.Score] }.Concat(normalized is { } n ? [n] : []).Concat(embedding is { } e ? [e] : []);
        using var cursor = scored.GetRowCursor(columns);
        var scoreGetter = cursor.GetGetter<VBuffer<float>>(schema[ModelSchema.Score]);
        var textGetter = normalized is { } nc ? cursor.GetGetter<ReadOnlyMemory<char>>(nc) : null;
        var embeddingGetter = embedding is { } ec ? cursor.GetGetter<VBuffer<float>>(ec) : null;
        VBuffer<float> score = default, vector = default;
        ReadOnlyMemory<char> text = default;
        var i = 0;
        while (cursor.MoveNext())
        {
            scoreGetter(ref score);
            var p = score.DenseValues().ToArray();
            var best = Array.IndexOf(p, p.Max());
            double? distance = null;
            if (embeddingGetter is not null)
            {
                embeddingGetter(ref vector);
                distance = EmbeddingSample.NearestDistance(vector.DenseValues().ToArray(), sample!);
            }
            var (rowNumber, raw) = rows[i];
            Measured m;
            if (textGetter is not null && dictionary.Words is not null)
            {
                textGetter(ref text);
                var normalizedText = text.ToString();
                var words = normalizedText.Split(Features.TextFeaturizer.WordSeparators, StringSplitOptions.RemoveEmptyEntries);
                m = dictionary.Count(normalizedText, words);
                var unknownWords = words.Where(w => !dictionary.Words.Contains(w)).Distinct(StringComparer.Ordinal).ToArray();
                m = m with { Row = new DriftRow(rowNumber, raw, words.Length, unknownWords, model.Labels[best], p[best], distance) { UnknownShare = words.Length == 0 ? 0 : (double)m.UnknownOccurrences / words.Length } };
            }
            else
            {
                m = new Measured(new DriftRow(rowNumber, raw, 0, [], model.Labels[best], p[best], distance), 0, dictionary.Blocks.ToDictionary(b => b.Name, _ => (0L, 0L)));
            }
            result[i++] = m;
        }
        return result;
    }

    /// <summary>The model's word dictionary and n-gram dictionaries, read from its key values and slot names.</summary>
    private sealed class Dictionaries
    {
        public HashSet<string>? Words { get; private init; }

        public List<(string Name, int Length, bool Chars, HashSet<string> Grams)> Blocks { get; } = [];

        private int _maxWordGram = 1;

        public static Dictionaries Of(LoadedModel model)
        {
            var schema = model.OutputSchema;
            if (schema.GetColumnOrNull("WordKeys") is not { } keys || !keys.HasKeyValues()) return new Dictionaries();
            VBuffer<ReadOnlyMemory<char>> values = default;
            keys.GetKeyValues(ref values);
            var d = new Dictionaries { Words = values.DenseValues().Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal) };
            if (schema.GetColumnOrNull("WordNgrams") is { } wordGrams && wordGrams.HasSlotNames())
            {
                var names = SlotNames(wordGrams).Where(n => n.Contains('|')).Select(n => n.Replace('|', ' ')).ToHashSet(StringComparer.Ordinal);
                d._maxWordGram = names.Count == 0 ? 1 : names.Max(n => n.Count(c => c == ' ') + 1);
                for (var len = 2; len <= d._maxWordGram; len++)
                    d.Blocks.Add(($"word {len}-grams", len, false, names));
            }
            foreach (var column in schema.Where(c => c.Name.StartsWith("Char", StringComparison.Ordinal) && c.Name.EndsWith("Ngrams", StringComparison.Ordinal) && c.HasSlotNames()))
            {
                if (!int.TryParse(column.Name["Char".Length..^"Ngrams".Length], out var len)) continue;
                d.Blocks.Add(($"char {len}-grams", len, true, SlotNames(column).Select(FeatureNames.RawChars).ToHashSet(StringComparer.Ordinal)));
            }
            return d;
        }

        private static IEnumerable<string> SlotNames(DataViewSchema.Column column)
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.GetSlotNames(ref names);
            return names.DenseValues().Select(n => n.ToString());
        }

        public Measured Count(string normalized, string[] words)
        {
            var unknown = Words is null ? 0 : words.Count(w => !Words.Contains(w));
            var grams = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
            foreach (var (name, len, chars, set) in Blocks)
            {
                long u = 0, t = 0;
                if (chars)
                {
                    var s = "\u0002" + normalized + "\u0003";
                    for (var i = 0; i + len <= s.Length; i++) { t++; if (!set.Contains(s.Substring(i, len))) u++; }
                }
                else
                {
                    for (var i = 0; i + len <= words.Length; i++) { t++; if (!set.Contains(string.Join(' ', words, i, len))) u++; }
                }
                grams[name] = (u, t);
            }
            return new Measured(new DriftRow(0, "", words.Length, [], "", 0, null), unknown, grams);
        }
    }

    /// <summary>Writes the worst-covered rows (row, text, words, unknown_share, unknown_words, predicted, confidence, nearest_distance) atomically.</summary>
    public static void WriteWorst(DriftReport report, string path, int count)
    {
        var inv = CultureInfo.InvariantCulture;
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n", Injection = CsvInjection.Escape }, leaveOpen: true);
            foreach (var h in new[] { "row", "text", "words", "unknown_share", "unknown_words", "predicted", "confidence", "nearest_distance" }) csv.WriteField(h);
            csv.EndRecord();
            foreach (var r in report.Worst.Take(count))
            {
                csv.WriteField(r.Row.ToString(inv));
                csv.WriteField(r.Text);
                csv.WriteField(r.Words.ToString(inv));
                csv.WriteField(r.UnknownShare.ToString("0.0000", inv));
                csv.WriteField(string.Join(' ', r.UnknownWords.Take(20)));
                csv.WriteField(r.Predicted);
                csv.WriteField(r.Confidence.ToString("0.0000", inv));
                csv.WriteField(r.NearestDistance is { } d ? d.ToString("0.0000", inv) : "");
                csv.EndRecord();
            }
            csv.Flush();
        });
    }
}
