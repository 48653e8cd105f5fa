using System.Text.RegularExpressions;

namespace Classifier.Api;

/// <summary>
/// What /health may say about an error: the model's file name instead of its path, and no library text
/// (our messages carry the library's own words in parentheses: those go to the log only).
/// </summary>
internal static partial class PublicText
{
    public static string? Of(string? message, string modelPath)
    {
        if (message is null) return null;
        var text = message;
        var full = Path.GetFullPath(modelPath);
        foreach (var path in new[] { full, modelPath, Path.GetDirectoryName(full) ?? "" }.Where(p => p.Length > 1).Distinct().OrderByDescending(p => p.Length))
            text = text.Replace(path, path == Path.GetDirectoryName(full) ? "" : Path.GetFileName(full), StringComparison.Ordinal);
        text = LibraryDetail().Replace(text, "");
        // Anything still shaped like an absolute path or a .NET type name goes too.
        text = AbsolutePath().Replace(text, "(path)");
        text = TypeName().Replace(text, "(type)");
        return text.Trim();
    }

    [GeneratedRegex(@"\s*\([^()]*\)")]
    private static partial Regex LibraryDetail();

    [GeneratedRegex(@"(?<![\w.])/(?:[\w.\-]+/)+[\w.\-]*")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"\b(?:System|Microsoft)(?:\.\w+)+")]
    private static partial Regex TypeName();
}
