namespace Classifier.Core.Training;

/// <summary>The multiclass trainers the training command can fit.</summary>
public enum TrainerKind
{
    /// <summary>SdcaMaximumEntropy: linear, fast, calibrated softmax.</summary>
    Sdca,

    /// <summary>LbfgsMaximumEntropy: linear, L-BFGS optimized softmax.</summary>
    Lbfgs,

    /// <summary>One-versus-all over FastTree binary trees.</summary>
    FastTree,
}

internal static class TrainerKinds
{
    public static IReadOnlyList<TrainerKind> All { get; } = Enum.GetValues<TrainerKind>();

    public static string Name(this TrainerKind kind) => kind.ToString().ToLowerInvariant();

    public static bool TryParse(string name, out TrainerKind kind) =>
        Enum.TryParse(name, ignoreCase: true, out kind) && Enum.IsDefined(kind);
}
