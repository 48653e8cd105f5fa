using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Classifier.Core.IO;

namespace Classifier.Core.Scoring.Shards;

/// <summary>
/// What one shard did, written beside its part as <c>OUTPUT.part-I-of-N.json</c>: the input it read
/// (size and SHA-256), the slice it owned, its counts, the model and the settings that shape the
/// output bytes. A re-run whose manifest matches is skipped; <c>merge</c> checks every part against it.
/// </summary>
internal sealed record ShardManifest
{
    /// <summary>Marks the file as a shard manifest.</summary>
    public string Kind { get; init; } = ManifestKind;

    /// <summary>Version of the manifest's layout.</summary>
    public int Version { get; init; } = 1;

    /// <summary>This shard's index, 0 to <see cref="Shards"/> - 1.</summary>
    public int Shard { get; init; }

    /// <summary>How many shards the run was cut into.</summary>
    public int Shards { get; init; }

    /// <summary>Full path of the output the parts merge into.</summary>
    public string Output { get; init; } = "";

    /// <summary>The part this shard wrote.</summary>
    public ShardFile Part { get; init; } = new();

    /// <summary>Full path of the errors file the errors parts merge into; null without --errors.</summary>
    public string? ErrorsOutput { get; init; }

    /// <summary>This shard's part of the errors file; null without --errors.</summary>
    public ShardFile? Errors { get; init; }

    /// <summary>The input file, as this shard read it.</summary>
    public ShardInput Input { get; init; } = new();

    /// <summary>The slice of the input this shard owned.</summary>
    public ShardSplit Split { get; init; } = new();

    /// <summary>The shard's counts.</summary>
    public ShardCounts Rows { get; init; } = new();

    /// <summary>The model zip: path and SHA-256.</summary>
    public ShardModel Model { get; init; } = new();

    /// <summary>What scored the texts ("compiled" or "ml.net"): the engines agree to 1e-6, not to the byte.</summary>
    public string Engine { get; init; } = "";

    /// <summary>The settings that decide the output's bytes; every part of a merge must have the same.</summary>
    public ShardSettings Settings { get; init; } = new();

    /// <summary>The model's labels, in Score slot order.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Texts given each label (and "uncertain" with --min-confidence).</summary>
    public IReadOnlyDictionary<string, long> LabelCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// Sufficient statistics that must survive the split, keyed by name (see <see cref="IShardStatistics"/>):
    /// <c>shares</c> with --shares (<see cref="ShardShares"/>). Empty otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?> Statistics { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Seconds the shard spent reading and scoring.</summary>
    public double Seconds { get; init; }

    /// <summary>When the shard finished (UTC).</summary>
    public DateTimeOffset Finished { get; init; }

    /// <summary>The machine that ran the shard, for the operator.</summary>
    public string Host { get; init; } = "";

    /// <summary>The <see cref="Kind"/> of every shard manifest.</summary>
    public const string ManifestKind = "classifier-score shard manifest";

    /// <summary>How manifests are written and read (camelCase, indented).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes the manifest atomically.</summary>
    public void Write(string path) =>
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json));

    /// <summary>Reads a manifest; a file that is not one is a one-line input error naming it.</summary>
    public static ShardManifest Read(string path)
    {
        ShardManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw ClassifierException.Input($"{path}: not a shard manifest ({ClassifierException.FirstLine(e.Message)}).", e);
        }
        catch (IOException e)
        {
            throw ClassifierException.Input($"{path}: cannot read the manifest: {ClassifierException.FirstLine(e.Message)}", e);
        }
        if (manifest is null || manifest.Kind != ManifestKind)
            throw ClassifierException.Input($"{path}: not a shard manifest (no \"kind\": \"{ManifestKind}\").");
        return manifest;
    }

    /// <summary>Why this manifest does not describe the same work as <paramref name="expected"/> (null when it does).</summary>
    public string? DifferenceFrom(ShardManifest expected)
    {
        if (Shard != expected.Shard || Shards != expected.Shards) return $"it is shard {Shard}/{Shards}, not {expected.Shard}/{expected.Shards}";
        if (Output != expected.Output) return $"it was written for the output {Output}";
        if (Input.Path != expected.Input.Path) return $"it read another input ({Input.Path})";
        if (Input.Size != expected.Input.Size || Input.Sha256 != expected.Input.Sha256) return $"the input {Input.Path} has changed since (size or SHA-256)";
        if (Model.Sha256 != expected.Model.Sha256) return $"it was scored with another model ({Model.Path}, SHA-256 {Short(Model.Sha256)})";
        if (Settings != expected.Settings) return $"it was scored with other settings: {Settings.DifferenceFrom(expected.Settings)}";
        if (ErrorsOutput != expected.ErrorsOutput) return "it was run with another --errors file";
        foreach (var name in Statistics.Keys.Union(expected.Statistics.Keys).Order(StringComparer.Ordinal))
        {
            var mine = Statistics.GetValueOrDefault(name)?["options"];
            var theirs = expected.Statistics.GetValueOrDefault(name)?["options"];
            if (mine is null && theirs is null) continue;
            if (mine is null) return $"it was run without --{name}";
            if (theirs is null) return $"it was run with --{name}";
            if (ShardShares.Difference(mine, theirs) is { Length: > 0 } different) return $"it was run with other --{name} options ({different})";
        }
        return null;
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}

/// <summary>A file a shard wrote: its name (beside the output), size, SHA-256, and the header bytes merge writes once.</summary>
internal sealed record ShardFile
{
    /// <summary>File name (in the output's folder).</summary>
    public string Name { get; init; } = "";

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Bytes of the header at the start of the file (CSV: the header line; JSON lines: 0).</summary>
    public long HeaderBytes { get; init; }
}

/// <summary>The input file: where, which format, its size and the SHA-256 of the bytes that identify it.</summary>
internal sealed record ShardInput
{
    /// <summary>Full path of the input.</summary>
    public string Path { get; init; } = "";

    /// <summary>"csv" or "parquet".</summary>
    public string Format { get; init; } = "";

    /// <summary>Size of the input in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Sha256Of"/>.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>
    /// What the hash covers: "file" (CSV: every shard reads the file from the start to its slice, and
    /// hashes all of it) or "parquet footer" (a Parquet shard reads only the footer and its row groups;
    /// the footer holds every row group's offsets, sizes and statistics).
    /// </summary>
    public string Sha256Of { get; init; } = "";

    /// <summary>Bytes the shard read for its rows: offset of the first and count (for Parquet, its row groups' span).</summary>
    public long ReadOffset { get; init; }

    /// <summary>See <see cref="ReadOffset"/>.</summary>
    public long ReadLength { get; init; }

    /// <summary>SHA-256 of the bytes at <see cref="ReadOffset"/> (Parquet: its row groups; CSV: the same as <see cref="Sha256"/>).</summary>
    public string ReadSha256 { get; init; } = "";
}

/// <summary>
/// The slice a shard owns. CSV: the records whose first byte is in [From, To) of the file; Parquet: the
/// row groups whose first row is in [From, To) of the file's rows. Slices of shards 0..N-1 tile [0, Total).
/// </summary>
internal sealed record ShardSplit
{
    /// <summary>"csv record start byte" or "parquet row group first row".</summary>
    public string Unit { get; init; } = "";

    /// <summary>Start of the slice (inclusive).</summary>
    public long From { get; init; }

    /// <summary>End of the slice (exclusive).</summary>
    public long To { get; init; }

    /// <summary>Bytes (CSV) or rows (Parquet) of the whole input.</summary>
    public long Total { get; init; }

    /// <summary>Row number (1-based, as a single run counts rows: header and malformed records not counted) of the shard's first row; 0 when it has none.</summary>
    public long FirstRow { get; init; }

    /// <summary>Row number of the shard's last row; 0 when it has none.</summary>
    public long LastRow { get; init; }

    /// <summary>Parquet: the shard's row groups [FirstRowGroup, EndRowGroup); -1 for CSV.</summary>
    public int FirstRowGroup { get; init; } = -1;

    /// <summary>See <see cref="FirstRowGroup"/>.</summary>
    public int EndRowGroup { get; init; } = -1;

    /// <summary>The start of shard <paramref name="index"/>'s slice of <paramref name="total"/> units cut into <paramref name="count"/>.</summary>
    public static long Boundary(long total, int index, int count) => (long)((Int128)total * index / count);
}

/// <summary>A shard's counts, as the summary table shows them.</summary>
internal sealed record ShardCounts
{
    /// <summary>Rows read (owned by the shard).</summary>
    public long Read { get; init; }

    /// <summary>Texts scored (sentences with --sentences).</summary>
    public long Scored { get; init; }

    /// <summary>Empty texts kept unscored.</summary>
    public long Empty { get; init; }

    /// <summary>Malformed records skipped.</summary>
    public long Skipped { get; init; }

    /// <summary>Texts labeled "uncertain" (--min-confidence).</summary>
    public long Uncertain { get; init; }
}

/// <summary>The model a shard scored with.</summary>
internal sealed record ShardModel
{
    /// <summary>Full path of the model zip.</summary>
    public string Path { get; init; } = "";

    /// <summary>Lower-case hex SHA-256 of the zip.</summary>
    public string Sha256 { get; init; } = "";
}

/// <summary>The options that decide the bytes of the output (threads and batch size do not).</summary>
internal sealed record ShardSettings
{
    /// <summary>"csv", "jsonl" or "parquet".</summary>
    public string Format { get; init; } = "";

    /// <summary>--text-column.</summary>
    public string TextColumn { get; init; } = "";

    /// <summary>--sentences.</summary>
    public bool Sentences { get; init; }

    /// <summary>--aggregate.</summary>
    public bool Aggregate { get; init; }

    /// <summary>--min-confidence.</summary>
    public float? MinConfidence { get; init; }

    /// <summary>--excel-safe.</summary>
    public bool ExcelSafe { get; init; }

    /// <summary>--strict.</summary>
    public bool Strict { get; init; }

    /// <summary>--engine as asked (auto, compiled, mlnet).</summary>
    public string Engine { get; init; } = "";

    /// <summary>Rows per output row group (Parquet output from CSV input); 0 otherwise.</summary>
    public int RowGroupRows { get; init; }

    /// <summary>The settings that differ, as "name: this vs other".</summary>
    public string DifferenceFrom(ShardSettings other)
    {
        var differences = new List<string>();
        void Compare(string name, object? mine, object? theirs)
        {
            if (!Equals(mine, theirs)) differences.Add($"{name} {mine ?? "none"} vs {theirs ?? "none"}");
        }
        Compare("format", Format, other.Format);
        Compare("--text-column", TextColumn, other.TextColumn);
        Compare("--sentences", Sentences, other.Sentences);
        Compare("--aggregate", Aggregate, other.Aggregate);
        Compare("--min-confidence", MinConfidence, other.MinConfidence);
        Compare("--excel-safe", ExcelSafe, other.ExcelSafe);
        Compare("--strict", Strict, other.Strict);
        Compare("--engine", Engine, other.Engine);
        Compare("row group rows", RowGroupRows, other.RowGroupRows);
        return string.Join(", ", differences);
    }

    /// <summary>The settings of a run with <paramref name="options"/> writing <paramref name="format"/>.</summary>
    public static ShardSettings Of(ScoringOptions options, string format, int rowGroupRows = 0) => new()
    {
        Format = format,
        TextColumn = options.TextColumn,
        Sentences = options.Sentences,
        Aggregate = options.Aggregate,
        MinConfidence = options.MinConfidence,
        ExcelSafe = options.ExcelSafe,
        Strict = options.Strict,
        Engine = options.Engine.ToString().ToLowerInvariant(),
        RowGroupRows = rowGroupRows,
    };
}

/// <summary>
/// Extension point: sufficient statistics a feature accumulates over a shard's scored texts and that
/// merge combines, so that estimates over the whole corpus survive the split (the corrected label
/// shares: <see cref="ShareStatisticsMerge"/>). A shard stores its entry in
/// <see cref="ShardManifest.Statistics"/> under <see cref="Name"/>, with an <c>options</c> object that
/// decides whether a re-run is the same work; merge hands every part's entry to <see cref="Combine"/>.
/// </summary>
internal interface IShardStatistics
{
    /// <summary>Key in <see cref="ShardManifest.Statistics"/>; also the option that turns it on (<c>--NAME</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Checks every part's entry (in shard order) and combines them, before merge writes anything: a part
    /// whose entry is missing, mismatched or damaged is a one-line <see cref="ClassifierException"/> naming
    /// it. Null when no part carries these statistics.
    /// </summary>
    IMergedStatistics? Combine(ShardMergeInput input);
}

/// <summary>What merge has checked, for <see cref="IShardStatistics.Combine"/>: the parts in shard order and their manifests.</summary>
internal sealed record ShardMergeInput(IReadOnlyList<string> Parts, IReadOnlyList<ShardManifest> Manifests, Func<int, string> Shown);

/// <summary>Statistics combined over all parts, ready to be written once merge has written the output.</summary>
internal interface IMergedStatistics
{
    /// <summary>Key in <see cref="ShardManifest.Statistics"/>.</summary>
    string Name { get; }

    /// <summary>Files <see cref="Write"/> writes (merge checks them first: not an input, not existing without --force).</summary>
    IReadOnlyList<(string Path, string What)> Targets { get; }

    /// <summary>Writes the files (each atomically).</summary>
    void Write();

    /// <summary>What goes under <see cref="Name"/> in <c>OUTPUT.summary.json</c>.</summary>
    JsonNode? Summary();
}
