namespace Classifier.Core.Quantification;

/// <summary>Which estimator corrects classify-and-count.</summary>
public enum ShareMethod
{
    /// <summary>Probabilistic adjusted classify and count: mean probabilities, adjusted by the mean probability vector per true label.</summary>
    Pacc,

    /// <summary>Adjusted classify and count: predicted-label counts, adjusted by P(predicted | true).</summary>
    Acc,
}

/// <summary>How shares are estimated. Immutable: derive variants with <c>with</c>.</summary>
public sealed record ShareOptions
{
    /// <summary>Replicates of the bootstrap by default: enough for the 2.5% and 97.5% percentiles to rest on 25 replicates each, at about 1 µs per scored text.</summary>
    public const int DefaultReplicates = 1000;

    /// <summary>The estimator (PACC by default).</summary>
    public ShareMethod Method { get; init; } = ShareMethod.Pacc;

    /// <summary>Coverage of the intervals, between 0 and 1 exclusive (0.95 by default).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Bootstrap replicates (each resamples the group's texts and the calibration rows).</summary>
    public int Replicates { get; init; } = DefaultReplicates;

    /// <summary>Same seed, same texts in the same order: identical intervals.</summary>
    public int Seed { get; init; } = Training.TrainingOptions.DefaultSeed;

    /// <summary>A group with fewer texts gets no estimate, only a note.</summary>
    public int MinGroupSize { get; init; } = 30;

    /// <summary>
    /// Error rates to use instead of the model card's (e.g. from <c>StanceClassifier.MeasureErrorRates</c> on a
    /// labeled sample of the corpus); null for the card's. Used by the library and the service, not by the command line.
    /// </summary>
    public QuantificationStats? ErrorRates { get; init; }

    /// <summary>Throws <see cref="ClassifierException"/> (bad arguments) naming the option that is out of range.</summary>
    public ShareOptions Checked()
    {
        if (!(Confidence > 0 && Confidence < 1)) throw ClassifierException.Arguments($"--confidence must be between 0 and 1, exclusive (got {Confidence}).");
        if (Replicates < 2) throw ClassifierException.Arguments($"--replicates must be at least 2 (got {Replicates}).");
        if (Replicates > 100_000) throw ClassifierException.Arguments($"--replicates must be at most 100,000 (got {Replicates}).");
        if (MinGroupSize < 1) throw ClassifierException.Arguments($"--min-group-size must be positive (got {MinGroupSize}).");
        return this;
    }

    /// <summary>The method's name as written in the shares file ("pacc" or "acc").</summary>
    public string MethodName => Method == ShareMethod.Acc ? "acc" : "pacc";
}
