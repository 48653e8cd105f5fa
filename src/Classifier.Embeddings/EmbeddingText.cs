using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Classifier.Embeddings;

/// <summary>
/// Cleans text before the MiniLM tokenizer sees it. Its basic tokenizer splits only on ' ' and "\r\n"
/// (a lone \n or \t glues words into one [UNK]) and does not strip accents ("café" becomes
/// "caf [UNK]"), unlike the Hugging Face tokenizer the model was trained with.
/// </summary>
internal static partial class EmbeddingText
{
    /// <summary>Collapses whitespace to single spaces and strips accents (NFD, drop non-spacing marks, NFC).</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var collapsed = Whitespace().Replace(text, " ").Trim();
        var decomposed = collapsed.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) kept.Append(c);
        }
        return kept.ToString().Normalize(NormalizationForm.FormC);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
