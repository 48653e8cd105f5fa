using System.Text;

namespace Classifier.Core.Data;

/// <summary>
/// The near-duplicate key of a text: lower-cased, every run of punctuation and white space folded
/// to one space. Two texts with the same key count as the same sentence.
/// </summary>
internal static class TextKey
{
    public static string Of(string text)
    {
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                if (pendingSpace && sb.Length > 0) sb.Append(' ');
                pendingSpace = false;
                sb.Append(char.ToLowerInvariant(ch));
            }
            else
            {
                pendingSpace = true;
            }
        }
        return sb.ToString();
    }
}
