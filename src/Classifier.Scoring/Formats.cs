using Classifier.Core.Scoring.Shards;

namespace Classifier.Scoring;

/// <summary>The output formats merge can put together beyond the built-in CSV and JSON lines.</summary>
internal static class Formats
{
    public static IReadOnlyDictionary<string, IPartMerger> Mergers { get; } = new Dictionary<string, IPartMerger>();
}
