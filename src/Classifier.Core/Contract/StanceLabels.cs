namespace Classifier.Core.Contract;

/// <summary>The label set of the shipped stance model. Retrained models may use any other set.</summary>
public static class StanceLabels
{
    /// <summary>The text argues for lawful or exceptional access to encrypted data (backdoors, scanning, key escrow).</summary>
    public const string ProAccess = "pro-access";
    /// <summary>The text argues for strong encryption and against access mechanisms.</summary>
    public const string ProPrivacy = "pro-privacy";
    /// <summary>The text reports, describes or takes no side.</summary>
    public const string Neutral = "neutral";

    /// <summary>The shipped model's three labels. Its Score slots are ordinal-sorted (neutral, pro-access, pro-privacy): read them from the model, not from this list.</summary>
    public static IReadOnlyList<string> All { get; } = [ProAccess, ProPrivacy, Neutral];
}
