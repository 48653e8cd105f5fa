using System.Buffers.Binary;
using Classifier.Core.Evaluation;

namespace Classifier.Core.Quantification;

/// <summary>One out-of-fold calibration row: its true label, the label predicted for it and its probabilities (label order).</summary>
internal readonly record struct CalibrationRow(int Truth, int Predicted, float[] Probabilities);

/// <summary>
/// What share estimation needs to know about a model's own errors, measured on the cross-validation
/// out-of-fold predictions (rows the fold models never trained on): P(predicted | true) with counts,
/// the mean probability vector per true label, and every out-of-fold row in compact form so a
/// bootstrap can resample them. Stored in the model card as <c>quantification</c>.
/// </summary>
public sealed record QuantificationStats
{
    /// <summary>Decimals kept for each probability of <see cref="Rows"/>: 4 keeps the card small and moves a share by less than 1e-4.</summary>
    public const int ProbabilityDecimals = 4;

    private const double Scale = 10_000;

    /// <summary>Where the figures come from, e.g. "cross-validation out-of-fold predictions (5 folds)".</summary>
    public required string Source { get; init; }

    /// <summary>The model's labels, in Score slot order; every matrix below is indexed in this order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Out-of-fold rows per true label: the number of rows behind each row of the matrices.</summary>
    public required IReadOnlyList<int> RowsPerLabel { get; init; }

    /// <summary>Counts, [true][predicted].</summary>
    public required IReadOnlyList<IReadOnlyList<int>> ConfusionCounts { get; init; }

    /// <summary>P(predicted | true), [true][predicted]; each row sums to 1.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Confusion { get; init; }

    /// <summary>Mean probability vector of the rows of each true label, [true][label]; each row sums to 1.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> MeanProbabilities { get; init; }

    /// <summary>Every out-of-fold row (true label, predicted label, probabilities rounded to <see cref="ProbabilityDecimals"/>), for the bootstrap.</summary>
    public required OutOfFoldRows Rows { get; init; }

    /// <summary>Computes the statistics from out-of-fold probabilities (one vector per row, Score slot order) and the rows' true labels.</summary>
    internal static QuantificationStats FromOutOfFold(IReadOnlyList<string> labels, IReadOnlyList<int> truth, IReadOnlyList<float[]> probabilities, int folds)
    {
        if (truth.Count != probabilities.Count) throw new ArgumentException("One probability vector per row is needed.", nameof(probabilities));
        var k = labels.Count;
        var counts = new int[k][];
        var sums = new double[k][];
        for (var t = 0; t < k; t++)
        {
            counts[t] = new int[k];
            sums[t] = new double[k];
        }
        var bytes = new byte[truth.Count * (2 + k) * 2];
        for (var row = 0; row < truth.Count; row++)
        {
            var p = probabilities[row] ?? throw new ArgumentException($"Row {row} has no out-of-fold probabilities.", nameof(probabilities));
            var t = truth[row];
            var predicted = EvaluationReport.ArgMax(p);
            counts[t][predicted]++;
            for (var l = 0; l < k; l++) sums[t][l] += p[l];

            var at = row * (2 + k) * 2;
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)t);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 2), (ushort)predicted);
            for (var l = 0; l < k; l++)
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 4 + 2 * l), (ushort)Math.Round(Math.Clamp(p[l], 0f, 1f) * Scale));
        }
        var perLabel = counts.Select(c => c.Sum()).ToArray();
        return new QuantificationStats
        {
            Source = $"cross-validation out-of-fold predictions ({folds} folds)",
            Labels = [.. labels],
            RowsPerLabel = perLabel,
            ConfusionCounts = counts,
            Confusion = counts.Select((c, t) => (IReadOnlyList<double>)c.Select(x => perLabel[t] == 0 ? 0 : (double)x / perLabel[t]).ToArray()).ToArray(),
            MeanProbabilities = sums.Select((s, t) => (IReadOnlyList<double>)s.Select(x => perLabel[t] == 0 ? 0 : x / perLabel[t]).ToArray()).ToArray(),
            Rows = new OutOfFoldRows { Count = truth.Count, Data = Convert.ToBase64String(bytes) },
        };
    }

    /// <summary>
    /// Checks the statistics against the model's labels and decodes the rows. A card that does not fit
    /// (other labels, a label with no rows, corrupt rows) fails with <see cref="ClassifierException"/> naming <paramref name="cardPath"/>.
    /// </summary>
    internal IReadOnlyList<CalibrationRow> Check(IReadOnlyList<string> modelLabels, string cardPath)
    {
        if (!Labels.SequenceEqual(modelLabels, StringComparer.Ordinal))
            throw ClassifierException.Model($"{cardPath}: the quantification statistics are for labels {string.Join(", ", Labels)}, the model has {string.Join(", ", modelLabels)}; retrain the model.");
        var k = Labels.Count;
        var square = (IReadOnlyList<IReadOnlyList<double>>? m) => m is not null && m.Count == k && m.All(r => r is not null && r.Count == k);
        if (RowsPerLabel is null || RowsPerLabel.Count != k || !square(Confusion) || !square(MeanProbabilities) || Rows?.Data is null)
            throw ClassifierException.Model($"{cardPath}: the quantification statistics are incomplete; retrain the model.");
        if (RowsPerLabel.ToList().IndexOf(0) is var empty and >= 0)
            throw ClassifierException.Model($"{cardPath}: no out-of-fold rows of label '{Labels[empty]}', so its error rates are unknown; retrain with rows of every label.");

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(Rows.Data);
        }
        catch (FormatException)
        {
            throw ClassifierException.Model($"{cardPath}: the quantification rows are not valid base64; retrain the model.");
        }
        var width = (2 + k) * 2;
        if (bytes.Length != Rows.Count * width)
            throw ClassifierException.Model($"{cardPath}: the quantification rows hold {bytes.Length} bytes, {Rows.Count} rows of {k} labels need {Rows.Count * width}; retrain the model.");
        var rows = new CalibrationRow[Rows.Count];
        for (var row = 0; row < rows.Length; row++)
        {
            var at = row * width;
            int truth = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
            int predicted = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 2));
            if (truth >= k || predicted >= k)
                throw ClassifierException.Model($"{cardPath}: quantification row {row + 1} names label {Math.Max(truth, predicted)} of {k}; retrain the model.");
            var p = new float[k];
            for (var l = 0; l < k; l++) p[l] = (float)(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 4 + 2 * l)) / Scale);
            rows[row] = new CalibrationRow(truth, predicted, p);
        }
        return rows;
    }

    /// <summary>The confusion matrix as arrays, [true][predicted].</summary>
    internal double[][] ConfusionArray() => [.. Confusion.Select(r => r.ToArray())];

    /// <summary>The mean probabilities as arrays, [true][label].</summary>
    internal double[][] MeanProbabilityArray() => [.. MeanProbabilities.Select(r => r.ToArray())];
}

/// <summary>The out-of-fold rows, packed: <see cref="Data"/> is base64 of little-endian 16-bit integers, per row the true label, the predicted label, then each label's probability × 10,000 (rounded).</summary>
public sealed record OutOfFoldRows
{
    /// <summary>Says how <see cref="Data"/> is packed, for people reading the card.</summary>
    public string Encoding { get; init; } = "base64 of little-endian uint16; per row: true label index, predicted label index, then each label's probability x 10000 (rounded)";

    /// <summary>Rows packed in <see cref="Data"/>.</summary>
    public required int Count { get; init; }

    /// <summary>The packed rows.</summary>
    public required string Data { get; init; }
}
