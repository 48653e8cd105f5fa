using Classifier.Core.Features;

namespace Classifier.Core.Training;

/// <summary>Everything that decides the trained model. Same options and data give the same model.</summary>
public sealed record TrainingOptions
{
    public const int DefaultSeed = 20191004;

    public TrainerKind Trainer { get; init; } = TrainerKind.Lbfgs;
    public FeatureOptions Features { get; init; } = FeatureOptions.Default;
    public int Folds { get; init; } = 5;
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>L2 regularization of the linear trainers (SDCA, L-BFGS); null for the trainer's default. Ignored by FastTree.</summary>
    public float? L2 { get; init; }
}
