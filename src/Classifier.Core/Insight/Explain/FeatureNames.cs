namespace Classifier.Core.Insight.Explain;

/// <summary>
/// Reads the slot names the featurizer gives the Features column: "Block.slot", where word n-grams
/// are "word|word" and character n-grams "c|h|a" with &lt;␠&gt;, &lt;␂&gt;, &lt;␃&gt; for space, start and end.
/// </summary>
internal static class FeatureNames
{
    private const string Space = "<\u2420>";
    private const string Start = "<\u2402>";
    private const string End = "<\u2403>";

    public static (FeatureKind Kind, string Display) Parse(string slotName)
    {
        var dot = slotName.IndexOf('.');
        var block = dot < 0 ? "" : slotName[..dot];
        var slot = dot < 0 ? slotName : slotName[(dot + 1)..];
        if (block.StartsWith("Word", StringComparison.Ordinal))
        {
            return slot.Contains('|')
                ? (FeatureKind.WordNgram, slot.Replace('|', ' '))
                : (FeatureKind.Word, slot);
        }
        if (block.StartsWith("Char", StringComparison.Ordinal))
            return (FeatureKind.Chars, CharsDisplay(slot));
        return (FeatureKind.Other, slotName);
    }

    /// <summary>The characters of a char n-gram slot as text: space as ' ', start as '\u0002', end as '\u0003'.</summary>
    public static string RawChars(string slot)
    {
        var parts = slot.Split('|');
        return string.Concat(parts.Select(p => p switch
        {
            Space => " ",
            Start => "\u0002",
            End => "\u0003",
            _ => p,
        }));
    }

    private static string CharsDisplay(string slot) =>
        RawChars(slot).Replace(' ', '_').Replace('\u0002', '^').Replace('\u0003', '$');
}
