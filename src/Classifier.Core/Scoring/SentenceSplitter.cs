using System.Collections.Frozen;

namespace Classifier.Core.Scoring;

/// <summary>
/// Splits English news text into sentences with rules: a sentence ends at '.', '!' or '?' (and any
/// closing quotes or brackets after it) followed by white space and a plausible sentence start,
/// unless the word before the period is a known abbreviation ("Mr.", "Oct. 4"), an initial, or a
/// dotted acronym ("U.S.") not followed by a typical sentence opener. A blank line always ends a
/// sentence. Decimals ("3.5%") never split because no space follows their period.
/// ICU's break iterator was not used: the served ICU4N is an alpha and icu.net needs native ICU.
/// </summary>
internal static class SentenceSplitter
{
    // Words that end with a period but rarely end a sentence.
    private static readonly FrozenSet<string> Abbreviations = FrozenSet.ToFrozenSet(
    [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "rev", "hon", "gov", "gen", "lt", "col", "maj", "capt", "cmdr", "sgt",
        "sen", "rep", "reps", "sens", "pres", "supt", "atty", "det", "insp", "adm", "cpl", "pvt", "messrs", "mme", "mlle",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun",
        "inc", "corp", "co", "ltd", "llc", "plc", "bros", "dept", "univ", "assn", "govt",
        "no", "nos", "vol", "vols", "pp", "p", "fig", "figs", "art", "sec", "ch", "para", "approx", "est", "ca", "cf",
        "vs", "v", "etc", "al", "eg", "ie", "e.g", "i.e", "a.m", "p.m", "ave", "blvd", "rd", "hwy",
        "ariz", "calif", "colo", "conn", "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo",
        "mont", "neb", "nev", "okla", "ore", "pa", "penn", "tenn", "tex", "va", "vt", "wash", "wis", "wyo",
    ], StringComparer.OrdinalIgnoreCase);

    // After these, "etc." and "U.S." style endings are usually ends of sentences.
    private static readonly FrozenSet<string> SentenceOpeners = FrozenSet.ToFrozenSet(
    [
        "the", "a", "an", "it", "its", "he", "she", "they", "we", "i", "you", "but", "and", "or", "so", "yet", "this", "that",
        "these", "those", "there", "in", "on", "at", "for", "if", "when", "while", "as", "after", "before", "since", "however",
        "meanwhile", "still", "his", "her", "their", "our", "my", "some", "many", "most", "officials", "critics",
    ], StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Split(string text)
    {
        var sentences = new List<string>();
        if (string.IsNullOrWhiteSpace(text)) return sentences;

        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsParagraphBreak(text, i, out var after))
            {
                Add(sentences, text, start, i);
                start = i = after;
                continue;
            }
            if (c is '.' or '!' or '?' or '\u2026')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is '.' or '!' or '?' or '\u2026') end++;
                while (end < text.Length && IsCloser(text[end])) end++;
                if (end >= text.Length)
                {
                    i = end;
                    continue;
                }
                if (char.IsWhiteSpace(text[end]) && IsBoundary(text, i, end))
                {
                    Add(sentences, text, start, end);
                    start = end;
                }
                i = end;
                continue;
            }
            i++;
        }
        Add(sentences, text, start, text.Length);
        return sentences;
    }

    private static bool IsBoundary(string text, int mark, int end)
    {
        var next = end;
        while (next < text.Length && char.IsWhiteSpace(text[next])) next++;
        if (next >= text.Length) return true;
        var first = text[next];
        var opens = char.IsUpper(first) || char.IsDigit(first) || IsOpener(first);
        if (!opens) return false;
        if (text[mark] != '.') return true;

        var word = WordBefore(text, mark);
        if (word.Length == 0) return true;
        var nextWord = WordAfter(text, next);
        // "Oct. 4", "No. 10": an abbreviation before a number never ends the sentence.
        if (Abbreviations.Contains(word)) return word is "etc" or "al" && SentenceOpeners.Contains(nextWord);
        // Initials ("John F. Kennedy") and dotted acronyms ("U.S.", "U.K."): a sentence ends only before a typical opener.
        if (word.Length == 1 && char.IsUpper(word[0])) return false;
        if (word.Contains('.')) return SentenceOpeners.Contains(nextWord);
        return true;
    }

    /// <summary>The word right before the period at <paramref name="mark"/>, inner periods kept ("U.S" for "U.S.").</summary>
    private static string WordBefore(string text, int mark)
    {
        var s = mark;
        while (s > 0 && (char.IsLetter(text[s - 1]) || text[s - 1] == '.')) s--;
        return text[s..mark].Trim('.');
    }

    private static string WordAfter(string text, int start)
    {
        var s = start;
        while (s < text.Length && IsOpener(text[s])) s++;
        var e = s;
        while (e < text.Length && char.IsLetter(text[e])) e++;
        return text[s..e];
    }

    private static bool IsParagraphBreak(string text, int i, out int after)
    {
        after = i;
        if (text[i] is not ('\n' or '\r')) return false;
        var newlines = 0;
        var j = i;
        while (j < text.Length && char.IsWhiteSpace(text[j]))
        {
            if (text[j] == '\n') newlines++;
            j++;
        }
        if (newlines < 2) return false;
        after = j;
        return true;
    }

    private static bool IsCloser(char c) => c is '"' or '\'' or ')' or ']' or '}' or '\u201D' or '\u2019' or '\u00BB';

    private static bool IsOpener(char c) => c is '"' or '\'' or '(' or '[' or '{' or '\u201C' or '\u2018' or '\u00AB';

    private static void Add(List<string> sentences, string text, int start, int end)
    {
        var sentence = text.AsSpan(start, end - start).Trim();
        if (sentence.IsEmpty) return;
        // Single line breaks inside a sentence are layout, not content.
        sentences.Add(sentence.ContainsAny('\r', '\n') ? string.Join(' ', sentence.ToString().Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : sentence.ToString());
    }
}
