namespace Classifier.Core.Quantification;

/// <summary>
/// Streams scored texts into per-group accumulators, then estimates each group's label shares with
/// ACC or PACC and percentile intervals from a bootstrap that resamples both the group's texts
/// (Poisson weights per text) and the model's out-of-fold calibration rows (per true label).
/// Not thread-safe: add texts from one thread. Each text's bootstrap weights depend on the seed and the
/// text's position (given, or the count of texts added before it), not on the order, and every sum is
/// exact, so the estimators of a corpus's shards, saved (<see cref="WriteState"/>) and added up
/// (<see cref="AddState"/>), give what one estimator over the whole corpus gives, to the bit.
/// </summary>
internal sealed class ShareEstimator
{
    /// <summary>The group name used when texts are not grouped.</summary>
    public const string AllGroup = "all";

    private readonly IReadOnlyList<string> _labels;
    private readonly ShareOptions _options;
    private readonly double[][] _pointMatrix;
    private readonly IReadOnlyList<CalibrationRow> _calibration;
    private readonly Dictionary<(string Group, string Period), ShareAccumulator> _groups = [];
    private readonly ShareAccumulator _overall;
    private readonly double[] _weights;
    private readonly double[] _rounded;
    private readonly ulong _documentSeed;
    private readonly string _source;
    private readonly QuantificationStats _stats;
    private (string Group, string Period) _lastKey;
    private ShareAccumulator? _last;

    /// <summary>
    /// Checks <paramref name="stats"/> (from the card at <paramref name="cardPath"/>) against the model's
    /// labels; fails with a <see cref="ClassifierException"/> naming the card when they do not fit.
    /// </summary>
    public ShareEstimator(QuantificationStats stats, IReadOnlyList<string> labels, ShareOptions options, string cardPath)
    {
        _options = options.Checked();
        _labels = labels;
        _calibration = stats.Check(labels, cardPath);
        _source = stats.Source;
        _stats = stats;
        _pointMatrix = options.Method == ShareMethod.Acc ? stats.ConfusionArray() : stats.MeanProbabilityArray();
        _overall = new ShareAccumulator(labels.Count, options.Replicates, options.Method, "");
        _weights = new double[options.Replicates];
        _rounded = new double[labels.Count];
        _documentSeed = PoissonWeights.Mix((ulong)(uint)options.Seed ^ 0x5DEECE66DUL);
    }

    /// <summary>Texts added so far.</summary>
    public long Count { get; private set; }

    /// <summary>The statistics needed, or a <see cref="ClassifierException"/> telling the user to retrain when the card has none.</summary>
    public static QuantificationStats RequireStats(Model.ModelCard? card, string modelPath)
    {
        var cardPath = Model.ModelCard.PathFor(modelPath);
        if (card is null) throw ClassifierException.Model($"{cardPath}: no model card, so no quantification statistics for share estimates; retrain the model (classifier-train) to write them.");
        return card.Quantification
            ?? throw ClassifierException.Model($"{cardPath}: the card has no quantification statistics (it predates share estimates); retrain the model (classifier-train) to add them.");
    }

    /// <summary>The error rates the estimates are corrected with.</summary>
    public QuantificationStats Stats => _stats;

    /// <summary>The options the estimator was made with.</summary>
    public ShareOptions Options => _options;

    /// <summary>Groups (and periods) seen so far.</summary>
    public int GroupCount => _groups.Count;

    /// <summary>Adds one scored text to the whole corpus only (no groups), at the position <see cref="Count"/> (texts in memory: the library, samples).</summary>
    public void Add(int predicted, ReadOnlySpan<float> probabilities) => Add((ShareAccumulator?)null, Count, 0, predicted, probabilities);

    /// <summary>Adds one scored text to the whole corpus only (no groups), at <paramref name="position"/> in its input (see <see cref="PoissonWeights.Fill(ulong, long, int, Span{double})"/>).</summary>
    public void Add(long position, int unit, int predicted, ReadOnlySpan<float> probabilities) => Add((ShareAccumulator?)null, position, unit, predicted, probabilities);

    /// <summary>Adds one scored text to its group (and period), at the position <see cref="Count"/>.</summary>
    public void Add(string group, string period, int predicted, ReadOnlySpan<float> probabilities, string note = "") =>
        Add(group, period, Count, 0, predicted, probabilities, note);

    /// <summary>Adds one scored text to its group (and period), at <paramref name="position"/> (unit <paramref name="unit"/>) in its input.</summary>
    public void Add(string group, string period, long position, int unit, int predicted, ReadOnlySpan<float> probabilities, string note = "")
    {
        var key = (group, period);
        if (_last is null || _lastKey != key)
        {
            if (!_groups.TryGetValue(key, out var found)) _groups[key] = found = new ShareAccumulator(_labels.Count, _options.Replicates, _options.Method, note);
            _last = found;
            _lastKey = key;
        }
        Add(_last, position, unit, predicted, probabilities);
    }

    /// <summary>
    /// Writes what the texts added so far left: the count, the ungrouped texts' accumulator, then each
    /// group's key, note and accumulator (in group order). Options and error rates are not included: the
    /// reader supplies them and must use the same.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(Count);
        _overall.Write(writer);
        writer.Write(_groups.Count);
        foreach (var (key, group) in _groups.OrderBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => g.Key.Period, StringComparer.Ordinal))
        {
            writer.Write(key.Group);
            writer.Write(key.Period);
            writer.Write(group.Note);
            group.Write(writer);
        }
    }

    /// <summary>
    /// Adds a state <see cref="WriteState"/> wrote with the same labels, method and replicates (another shard's
    /// texts). Throws <see cref="InvalidDataException"/> when the bytes are cut short or hold impossible values (the
    /// estimator may then hold part of them: drop it).
    /// </summary>
    public void AddState(BinaryReader reader)
    {
        try
        {
            var scratch = new double[_options.Replicates * _labels.Count];
            var count = reader.ReadInt64();
            if (count < 0 || !_overall.AddFrom(reader, scratch)) throw new InvalidDataException("an impossible count or sum");
            var groups = reader.ReadInt32();
            if (groups < 0) throw new InvalidDataException("a negative group count");
            for (var i = 0; i < groups; i++)
            {
                var key = (reader.ReadString(), reader.ReadString());
                var note = reader.ReadString();
                if (!_groups.TryGetValue(key, out var group)) _groups[key] = group = new ShareAccumulator(_labels.Count, _options.Replicates, _options.Method, note);
                if (!group.AddFrom(reader, scratch)) throw new InvalidDataException($"an impossible count or sum in group '{key.Item1}' {key.Item2}");
            }
            Count += count;
            _last = null;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("cut short", e);
        }
    }

    /// <summary>Estimates every group and the whole corpus.</summary>
    public ShareResults Finish()
    {
        var matrices = CalibrationResamples.Build(_calibration, _labels.Count, _options.Method, _options.Replicates, _options.Seed);
        // The corpus is the sum of its groups: each text was added to its group only, with the same weights.
        var corpus = _overall;
        if (_groups.Count > 0)
        {
            corpus = new ShareAccumulator(_labels.Count, _options.Replicates, _options.Method, "");
            corpus.Merge(_overall);
            foreach (var group in _groups.Values) corpus.Merge(group);
        }
        var overall = Estimate(AllGroup, "", corpus, matrices);
        var groups = _groups.Count == 0
            ? [overall]
            : _groups.OrderBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => g.Key.Period, StringComparer.Ordinal)
                .Select(g => Estimate(g.Key.Group, g.Key.Period, g.Value, matrices)).ToArray();
        return new ShareResults(_labels, _options.MethodName, _options.Confidence, _options.Replicates, _options.Seed, groups, overall) { ErrorRates = _source };
    }

    private void Add(ShareAccumulator? group, long position, int unit, int predicted, ReadOnlySpan<float> probabilities)
    {
        if ((uint)predicted >= (uint)_labels.Count) throw new ArgumentOutOfRangeException(nameof(predicted));
        for (var l = 0; l < _rounded.Length; l++) _rounded[l] = Math.Round(Math.Clamp(probabilities[l], 0f, 1f) * ShareAccumulator.FixedScale) / ShareAccumulator.FixedScale;
        PoissonWeights.Fill(_documentSeed, position, unit, _weights);
        Count++;
        (group ?? _overall).Add(predicted, _rounded, _weights);
    }

    private ShareEstimate Estimate(string group, string period, ShareAccumulator accumulator, double[][][] matrices)
    {
        var k = _labels.Count;
        if (accumulator.N < _options.MinGroupSize)
        {
            var why = $"fewer than {_options.MinGroupSize} texts (--min-group-size): no estimate";
            var note = accumulator.Note.Length == 0 ? why : $"{accumulator.Note}; {why}";
            return new ShareEstimate(group, period, accumulator.N, _labels.Select(l => new LabelShare(l, null, null, null, null)).ToArray(), note);
        }
        var cc = ShareMath.Shares(accumulator.Predicted);
        var observed = accumulator.Observed();
        var share = ShareMath.Adjust(observed, _pointMatrix);
        var replicates = new double[k][];
        for (var l = 0; l < k; l++) replicates[l] = new double[matrices.Length];
        for (var b = 0; b < matrices.Length; b++)
        {
            var seen = accumulator.ObservedIn(b) ?? observed;
            var estimate = ShareMath.Adjust(seen, matrices[b]);
            for (var l = 0; l < k; l++) replicates[l][b] = estimate[l];
        }
        var tail = (1 - _options.Confidence) / 2;
        var labels = new LabelShare[k];
        for (var l = 0; l < k; l++)
        {
            Array.Sort(replicates[l]);
            labels[l] = new LabelShare(_labels[l], cc[l], share[l], ShareMath.Quantile(replicates[l], tail), ShareMath.Quantile(replicates[l], 1 - tail));
        }
        // Every replicate clipped to the same bound: the interval [x, x] says the share is near x, not how near.
        var pinned = labels.Where(l => l.CiHigh - l.CiLow < 1e-9).Select(l => l.Label).ToArray();
        var notes = new List<string>();
        if (accumulator.Note.Length > 0) notes.Add(accumulator.Note);
        if (pinned.Length > 0) notes.Add($"{string.Join(", ", pinned)}: clipped to the same bound in every replicate, the interval does not say how near");
        return new ShareEstimate(group, period, accumulator.N, labels, string.Join("; ", notes));
    }
}
