using System.Runtime.CompilerServices;

namespace Classifier.Core.Compiled;

/// <summary>
/// Word to id, for words given as a span and the hash the tokenizer computed while scanning them
/// (<see cref="Hash"/>). The words' characters sit in one array, so a lookup touches one entry and
/// one run of characters rather than a string object elsewhere on the heap.
/// </summary>
internal sealed class WordTable
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    private readonly Entry[] entries;
    private readonly char[] characters;
    private readonly int mask;

    /// <param name="words">Word to id (ids above 0).</param>
    public WordTable(IReadOnlyDictionary<string, int> words)
    {
        var capacity = 16;
        while (capacity * 0.5 < words.Count) capacity *= 2;
        entries = new Entry[capacity];
        mask = capacity - 1;
        characters = new char[words.Keys.Sum(w => w.Length)];
        var position = 0;
        foreach (var (word, id) in words)
        {
            word.CopyTo(characters.AsSpan(position));
            var hash = Hash(word);
            var i = (int)hash & mask;
            while (entries[i].Id != 0) i = (i + 1) & mask;
            entries[i] = new Entry(hash, id, position, word.Length);
            position += word.Length;
        }
    }

    /// <summary>FNV-1a over the UTF-16 code units; the tokenizer folds it in character by character with <see cref="Step"/>.</summary>
    public static ulong Hash(ReadOnlySpan<char> word)
    {
        var hash = Start;
        foreach (var c in word) hash = Step(hash, c);
        return hash;
    }

    public const ulong Start = Offset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Step(ulong hash, char c) => (hash ^ c) * Prime;

    /// <summary>The id of <paramref name="word"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<char> word, ulong hash)
    {
        var i = (int)hash & mask;
        while (true)
        {
            ref readonly var entry = ref entries[i];
            if (entry.Id == 0) return 0;
            if (entry.Hash == hash && entry.Length == word.Length && word.SequenceEqual(characters.AsSpan(entry.Start, entry.Length))) return entry.Id;
            i = (i + 1) & mask;
        }
    }

    private readonly record struct Entry(ulong Hash, int Id, int Start, int Length);
}
