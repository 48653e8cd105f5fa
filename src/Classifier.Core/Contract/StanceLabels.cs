namespace Classifier.Core.Contract;

/// <summary>The label set of the shipped stance model. Retrained models may use any other set.</summary>
public static class StanceLabels
{
    public const string ProAccess = "pro-access";
    public const string ProPrivacy = "pro-privacy";
    public const string Neutral = "neutral";

    public static IReadOnlyList<string> All { get; } = [ProAccess, ProPrivacy, Neutral];
}
