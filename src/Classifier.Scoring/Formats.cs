using Classifier.Core.Scoring;
using Classifier.Core.Scoring.Shards;
using Classifier.Parquet;

namespace Classifier.Scoring;

/// <summary>Where the scoring program sends Parquet (by the .parquet extension of --input or --output).</summary>
internal static class Formats
{
    /// <summary>The output formats merge can put together beyond the built-in CSV and JSON lines.</summary>
    public static IReadOnlyDictionary<string, IPartMerger> Mergers { get; } = new Dictionary<string, IPartMerger> { ["parquet"] = new ParquetPartMerger() };

    /// <summary>True when the output is a Parquet file (scored column by column).</summary>
    public static bool WritesParquet(ScoringJobOptions job) => !job.WritesToStandardOutput && ParquetInput.IsParquet(job.OutputPath);

    /// <summary>The job reading a Parquet input through <see cref="ParquetRowSource"/> (for CSV or JSON-lines output).</summary>
    public static ScoringJobOptions WithInputReader(ScoringJobOptions job) =>
        ParquetInput.IsParquet(job.InputPath)
            ? job with { OpenInput = _ => ParquetRowSource.All(ParquetInput.Open(job.InputPath!, job.Scoring.TextColumn)) }
            : job;

    /// <summary>The shard input for the row-by-row scorer.</summary>
    public static IShardInput ShardInput(ScoringJobOptions job) =>
        ParquetInput.IsParquet(job.InputPath) ? new ParquetShardInput(job.InputPath!, job.Scoring.TextColumn) : new CsvShardInput(job.InputPath!, job.Scoring.TextColumn);
}
