using System.Text;

namespace Classifier.Onnx;

/// <summary>
/// Makes the exported lower-casing independent of the machine's locales while keeping ML.NET's result.
/// The converter writes ML.NET's lower-casing as an ONNX StringNormalizer without a <c>locale</c>, and
/// ONNX Runtime then builds the en_US.UTF-8 locale (std::locale on Linux), which most containers lack:
/// the session fails to load. Only "C"/"POSIX" exist everywhere, and in them ONNX Runtime lower-cases
/// ASCII only, while ML.NET lower-cases every UTF-16 char with <see cref="char.ToLowerInvariant"/>.
/// So the normalizer gets <c>locale = "C"</c> (ASCII), and the rest of ML.NET's mapping moves into the
/// lookups that read the normalized text:
/// <list type="bullet">
/// <item>the character dictionary (one key per UTF-16 char) gives each upper-case char the key of its
/// lower-case form;</item>
/// <item>the word vocabulary also lists, for each word, the spellings that differ from it only by
/// non-ASCII chars whose invariant lower case is the word's char ("École" for "école", the Kelvin sign
/// for "k"), each with the word's key. The vocabulary is lower case, so a token finds its key exactly
/// when ML.NET's lower-cased token does.</item>
/// </list>
/// A word with more than <see cref="MaxVariantsPerWord"/> spellings keeps only its all-lower,
/// all-upper and capitalized ones.
/// </summary>
internal static class LocaleFreeLowering
{
    /// <summary>The only locale every ONNX Runtime platform can build without installed locale data.</summary>
    public const string Locale = "C";

    /// <summary>Spellings listed per word before falling back to lower, upper and capitalized (2^8: eight cased non-ASCII letters).</summary>
    public const int MaxVariantsPerWord = 256;

    // Every UTF-16 char (not ASCII A-Z, which the "C" locale already lowers) whose invariant lower case differs, by that lower case.
    private static readonly Lazy<Dictionary<char, char[]>> UpperForms = new(() =>
    {
        var forms = new Dictionary<char, List<char>>();
        for (var code = 0; code <= char.MaxValue; code++)
        {
            var c = (char)code;
            if (char.IsSurrogate(c) || char.IsAsciiLetterUpper(c)) continue;
            var lower = char.ToLowerInvariant(c);
            if (lower == c) continue;
            if (!forms.TryGetValue(lower, out var list)) forms[lower] = list = [];
            list.Add(c);
        }
        return forms.ToDictionary(f => f.Key, f => f.Value.ToArray());
    });

    /// <summary>
    /// The char dictionary's values with every upper-case key given its lower-case key's value. Keys
    /// that are not one UTF-16 char in UTF-8 (or whose lower case is not a key) keep their value.
    /// </summary>
    public static long[] LowerCharKeys(IReadOnlyList<byte[]> keys, IReadOnlyList<long> values)
    {
        var valueOf = new Dictionary<char, long>();
        var chars = new char?[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            if (SingleChar(keys[i]) is not { } c) continue;
            chars[i] = c;
            valueOf.TryAdd(c, values[i]);
        }
        var lowered = values.ToArray();
        for (var i = 0; i < keys.Count; i++)
        {
            if (chars[i] is not { } c) continue;
            var lower = char.ToLowerInvariant(c);
            if (lower != c && valueOf.TryGetValue(lower, out var value)) lowered[i] = value;
        }
        return lowered;
    }

    /// <summary>The vocabulary with the extra spellings appended (original keys first, in their order).</summary>
    public static (List<byte[]> Keys, List<long> Values) AddUpperSpellings(IReadOnlyList<byte[]> keys, IReadOnlyList<long> values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var words = keys.Select(k => Encoding.UTF8.GetString(k)).ToArray();
        foreach (var w in words) seen.Add(w);
        var outKeys = keys.ToList();
        var outValues = values.ToList();
        for (var i = 0; i < words.Length; i++)
        {
            foreach (var spelling in Spellings(words[i]))
            {
                if (!seen.Add(spelling)) continue;
                outKeys.Add(Encoding.UTF8.GetBytes(spelling));
                outValues.Add(values[i]);
            }
        }
        return (outKeys, outValues);
    }

    /// <summary>The spellings of <paramref name="word"/> ML.NET lower-cases to it once ASCII is lowered (the word itself excluded).</summary>
    public static IEnumerable<string> Spellings(string word)
    {
        var forms = UpperForms.Value;
        long count = 1;
        foreach (var c in word)
        {
            if (forms.TryGetValue(c, out var upper)) count *= 1 + upper.Length;
            if (count > MaxVariantsPerWord) break;
        }
        if (count == 1) yield break;
        if (count > MaxVariantsPerWord)
        {
            foreach (var s in new[] { FirstForms(word, all: true), FirstForms(word, all: false) })
                if (s != word) yield return s;
            yield break;
        }

        // Odometer over the positions that have upper forms: 0 keeps the char, k picks its k-th upper form.
        var positions = Enumerable.Range(0, word.Length).Where(p => forms.ContainsKey(word[p])).ToArray();
        var choice = new int[positions.Length];
        var buffer = word.ToCharArray();
        while (true)
        {
            var p = 0;
            while (p < positions.Length && ++choice[p] > forms[word[positions[p]]].Length)
            {
                choice[p] = 0;
                buffer[positions[p]] = word[positions[p]];
                p++;
            }
            if (p == positions.Length) yield break;
            buffer[positions[p]] = forms[word[positions[p]]][choice[p] - 1];
            yield return new string(buffer);
        }
    }

    // Every cased non-ASCII char in its first upper form (all), or only the first char (capitalized).
    private static string FirstForms(string word, bool all)
    {
        var forms = UpperForms.Value;
        var buffer = word.ToCharArray();
        for (var i = 0; i < buffer.Length && (all || i == 0); i++)
            if (forms.TryGetValue(buffer[i], out var upper)) buffer[i] = upper[0];
        return new string(buffer);
    }

    private static char? SingleChar(byte[] utf8)
    {
        if (utf8.Length is 0 or > 3) return null;
        var text = Encoding.UTF8.GetString(utf8);
        return text.Length == 1 && Encoding.UTF8.GetByteCount(text) == utf8.Length && !char.IsSurrogate(text[0]) ? text[0] : null;
    }
}
