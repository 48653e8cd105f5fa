using Classifier.Core;

namespace Classifier.Training.Commands;

/// <summary>Value checks shared by <see cref="TrainCommand"/> and <see cref="AuditCommand"/>.</summary>
internal static class TrainingArguments
{
    /// <summary><paramref name="value"/> when absent or a finite number of 0 or more; else a usage error naming --l2.</summary>
    public static float? NonNegative(float? value) =>
        value is null || (value >= 0 && float.IsFinite(value.Value)) ? value : throw ClassifierException.Arguments($"--l2 must be a finite number of 0 or more (got {value}).");

    /// <summary>The comma-separated character n-gram lengths of --char-ngrams (each 1 to 8).</summary>
    public static IReadOnlyList<int> ParseLengths(string text)
    {
        var lengths = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var n) || n < 1 || n > 8)
                throw ClassifierException.Arguments($"--char-ngrams: '{part}' is not a length between 1 and 8.");
            lengths.Add(n);
        }
        return lengths;
    }
}
