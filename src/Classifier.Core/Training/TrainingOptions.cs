using Classifier.Core.Features;

namespace Classifier.Core.Training;

/// <summary>Everything that decides the trained model. Same options and data give the same model.</summary>
public sealed record TrainingOptions
{
    /// <summary>The seed the shipped models were trained with.</summary>
    public const int DefaultSeed = 20191004;

    /// <summary>Which trainer fits the model.</summary>
    public TrainerKind Trainer { get; init; } = TrainerKind.Lbfgs;
    /// <summary>How text becomes features.</summary>
    public FeatureOptions Features { get; init; } = FeatureOptions.Default;
    /// <summary>Cross-validation folds (stratified by label).</summary>
    public int Folds { get; init; } = 5;
    /// <summary>Seeds the folds and the trainers: the same seed, data and options give the same model.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>L2 regularization of the linear trainers (SDCA, L-BFGS); null for the trainer's default. Ignored by FastTree.</summary>
    public float? L2 { get; init; }
}
