using System.Text.Json;
using System.Text.Json.Nodes;
using Classifier.Core.IO;

namespace Classifier.Core.Scoring.Shards;

/// <summary>Writes one output from the parts of a format (CSV and JSON lines are built in; Parquet is added by Classifier.Parquet).</summary>
internal interface IPartMerger
{
    /// <summary>Writes the parts at <paramref name="parts"/>, described by <paramref name="manifests"/>, in shard order to <paramref name="output"/>.</summary>
    void Merge(IReadOnlyList<string> parts, IReadOnlyList<ShardManifest> manifests, Stream output);
}

/// <summary>What a merge did: the summary of the whole corpus and the files written.</summary>
internal sealed record MergeResult(ScoringSummary Summary, string Output, string SummaryPath, string? ErrorsOutput, bool Sentences)
{
    /// <summary>The statistics combined over the parts and written (e.g. the shares file), in the order of the extensions.</summary>
    public IReadOnlyList<IMergedStatistics> Statistics { get; init; } = [];
}

/// <summary>
/// <c>classifier-score merge</c>: checks that the N parts of an output exist, match their manifests,
/// come from the same input, model and settings and tile the input exactly once, then writes the
/// output (atomically) as a single run would have, the merged errors file, and
/// <c>OUTPUT.summary.json</c> (the counts of the whole corpus). A missing or mismatched part is a
/// one-line error naming it; nothing is written then.
/// </summary>
internal static class ShardMerge
{
    /// <summary>
    /// Merges <c>OUTPUT.part-I-of-N</c> for I in 0..N-1 into <paramref name="output"/>, and the parts'
    /// statistics through <paramref name="statistics"/> (by default the shares, written where the
    /// manifests say).
    /// </summary>
    public static MergeResult Run(string output, int shards, bool force, IReadOnlyDictionary<string, IPartMerger>? formats = null, IReadOnlyList<IShardStatistics>? statistics = null)
    {
        statistics ??= [new ShareStatisticsMerge(null)];
        if (output == "-") throw ClassifierException.Arguments("merge writes a file: give --output FILE (the one the shards were given).");
        if (shards < 1 || shards > ShardSpec.MaxShards) throw ClassifierException.Arguments($"--shards must be between 1 and {ShardSpec.MaxShards:N0} (got {shards}).");
        var full = Path.GetFullPath(output);
        var parts = new List<string>();
        var manifests = new List<ShardManifest>();
        for (var i = 0; i < shards; i++)
        {
            var part = ShardSpec.PartPath(full, i, shards);
            var manifest = ShardSpec.ManifestPath(part);
            if (!File.Exists(part))
                throw ClassifierException.Input($"{Shown(output, part)}: missing: shard {i} of {shards} has not finished (run it, then merge again){OtherCounts(full, shards)}.");
            if (!File.Exists(manifest))
                throw ClassifierException.Input($"{Shown(output, manifest)}: missing: shard {i} stopped before its manifest was written; run shard {i} again.");
            var read = ShardManifest.Read(manifest);
            Check(read, manifests.Count > 0 ? manifests[0] : null, manifests.Count > 0 ? manifests[^1] : null, i, shards, full, Shown(output, part));
            CheckFile(part, read.Part, Shown(output, part), i);
            if (read.ErrorsOutput is not null)
            {
                var errorsPart = ShardSpec.PartPath(read.ErrorsOutput, i, shards);
                if (read.Errors is null || !File.Exists(errorsPart))
                    throw ClassifierException.Input($"{errorsPart}: missing: shard {i}'s errors part (the shards were run with --errors); run shard {i} again.");
                CheckFile(errorsPart, read.Errors, errorsPart, i);
            }
            parts.Add(part);
            manifests.Add(read);
        }
        var first = manifests[0];
        if (first.Split.Total > 0 && manifests[^1].Split.To != first.Split.Total)
            throw ClassifierException.Input($"{Shown(output, parts[^1])}: the parts end at {manifests[^1].Split.To:N0} of {first.Split.Total:N0}: they do not cover the input.");
        var rowsRead = manifests.Sum(m => m.Rows.Read);
        var skipped = manifests.Sum(m => m.Rows.Skipped);
        if (rowsRead == 0)
            throw ClassifierException.Input($"{first.Input.Path}: no rows to score: {(skipped > 0 ? $"all {skipped} data rows are malformed" : "it has a header but no data rows")}.");

        // The parts' statistics are checked and added up before anything is written.
        var known = statistics.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < manifests.Count; i++)
        {
            if (manifests[i].Statistics.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
                throw ClassifierException.Input($"{Shown(output, parts[i])}: its manifest carries '{unknown}' statistics, which this program cannot merge.");
        }
        var input = new ShardMergeInput(parts, manifests, i => Shown(output, parts[i]));
        var combined = statistics.Select(s => s.Combine(input)).OfType<IMergedStatistics>().ToList();

        var summaryPath = full + ".summary.json";
        var targets = new List<(string Path, string What)> { (full, "merged output"), (summaryPath, "merged summary") };
        if (first.ErrorsOutput is not null) targets.Add((first.ErrorsOutput, "merged errors file"));
        targets.AddRange(combined.SelectMany(c => c.Targets));
        foreach (var (target, what) in targets)
        {
            if (string.Equals(target, first.Input.Path, StringComparison.Ordinal))
                throw ClassifierException.Arguments($"{target}: is the input file; refusing to write over it.");
            if (string.Equals(target, first.Model.Path, StringComparison.Ordinal))
                throw ClassifierException.Arguments($"{target}: is the model; refusing to write over it.");
            if (targets.Count(t => string.Equals(t.Path, target, StringComparison.Ordinal)) > 1)
                throw ClassifierException.Arguments($"{target}: would be both the {string.Join(" and the ", targets.Where(t => t.Path == target).Select(t => t.What))}.");
            if (File.Exists(target) && !force) throw ClassifierException.Arguments($"{target}: exists; pass --force to replace it.");
            AtomicFile.EnsureWritableFolder(target, what);
        }

        var merger = formats is not null && formats.TryGetValue(first.Settings.Format, out var found) ? found
            : first.Settings.Format is "csv" or "jsonl" ? Concatenation.Instance
            : throw ClassifierException.Input($"{Shown(output, parts[0])}: parts of format '{first.Settings.Format}' cannot be merged by this program.");
        AtomicFile.Write(full, stream => merger.Merge(parts, manifests, stream));
        if (first.ErrorsOutput is not null)
        {
            var errorParts = Enumerable.Range(0, shards).Select(i => ShardSpec.PartPath(first.ErrorsOutput, i, shards)).ToList();
            var errorManifests = manifests.Select(m => m with { Part = m.Errors! }).ToList();
            AtomicFile.Write(first.ErrorsOutput, stream => Concatenation.Instance.Merge(errorParts, errorManifests, stream));
        }

        foreach (var extension in combined) extension.Write();

        var summary = Summarize(manifests);
        var merged = new JsonObject();
        foreach (var extension in combined) merged[extension.Name] = extension.Summary();
        WriteSummary(summaryPath, full, manifests, summary, merged);
        return new MergeResult(summary, full, summaryPath, first.ErrorsOutput, first.Settings.Sentences) { Statistics = combined };
    }

    private static void Check(ShardManifest m, ShardManifest? first, ShardManifest? previous, int index, int shards, string output, string shown)
    {
        if (m.Shard != index || m.Shards != shards) throw ClassifierException.Input($"{shown}: its manifest says shard {m.Shard}/{m.Shards}, not {index}/{shards}.");
        if (m.Output != output) throw ClassifierException.Input($"{shown}: its manifest was written for another output ({m.Output}).");
        if (first is null)
        {
            if (m.Split.From != 0) throw ClassifierException.Input($"{shown}: starts at {m.Split.From:N0}, not at the start of the input.");
            return;
        }
        string? why = null;
        if (m.Input.Path != first.Input.Path) why = $"it read {m.Input.Path}, shard 0 read {first.Input.Path}";
        else if (m.Input.Size != first.Input.Size || m.Input.Sha256 != first.Input.Sha256) why = $"its input {m.Input.Path} differs from shard 0's (size or SHA-256): the file changed between the shards";
        else if (m.Model.Sha256 != first.Model.Sha256) why = $"it was scored with another model than shard 0 ({m.Model.Path})";
        else if (m.Settings != first.Settings) why = $"it was scored with other settings than shard 0 ({m.Settings.DifferenceFrom(first.Settings)})";
        else if (m.Engine != first.Engine) why = $"it was scored by the {m.Engine} engine, shard 0 by {first.Engine} (their last digits differ)";
        else if (!m.Labels.SequenceEqual(first.Labels)) why = "its labels differ from shard 0's";
        else if (m.ErrorsOutput != first.ErrorsOutput) why = "it was run with another --errors file than shard 0";
        else if (m.Split.Unit != first.Split.Unit || m.Split.Total != first.Split.Total) why = "its input was split another way than shard 0's";
        else if (m.Split.From != previous!.Split.To) why = $"it starts at {m.Split.From:N0} but shard {index - 1} ends at {previous.Split.To:N0}";
        else if (m.Split.FirstRowGroup >= 0 && m.Split.FirstRowGroup != previous.Split.EndRowGroup) why = $"its row groups start at {m.Split.FirstRowGroup} but shard {index - 1}'s end at {previous.Split.EndRowGroup}";
        if (why is not null) throw ClassifierException.Input($"{shown}: mismatched: {why}; re-run it with the same input, model and options.");
    }

    private static void CheckFile(string path, ShardFile file, string shown, int index)
    {
        if (new FileInfo(path).Length != file.Size || FileHash.Sha256(path) != file.Sha256)
            throw ClassifierException.Input($"{shown}: does not match its manifest (size or SHA-256): it was changed or cut short after shard {index} finished; run shard {index} again.");
    }

    private static string Shown(string output, string fullPart) =>
        Path.IsPathRooted(output) ? fullPart : Path.Combine(Path.GetDirectoryName(output) ?? "", Path.GetFileName(fullPart));

    /// <summary>Points at parts of another shard count lying beside the output, the usual slip.</summary>
    private static string OtherCounts(string output, int shards)
    {
        var folder = Path.GetDirectoryName(output)!;
        var prefix = Path.GetFileName(output) + ".part-0-of-";
        if (!Directory.Exists(folder)) return "";
        var others = Directory.EnumerateFiles(folder, prefix + "*")
            .Select(Path.GetFileName)
            .Select(name => name![prefix.Length..])
            .Where(rest => int.TryParse(rest, out var n) && n != shards)
            .ToList();
        return others.Count == 0 ? "" : $"; parts of {string.Join(", ", others)} shards are there: check --shards";
    }

    private static ScoringSummary Summarize(IReadOnlyList<ShardManifest> manifests)
    {
        var first = manifests[0];
        var counts = first.Labels.Select(label => manifests.Sum(m => m.LabelCounts.GetValueOrDefault(label))).ToArray();
        return new ScoringSummary(
            manifests.Sum(m => m.Rows.Read),
            manifests.Sum(m => m.Rows.Scored),
            manifests.Sum(m => m.Rows.Empty),
            manifests.Sum(m => m.Rows.Skipped),
            first.Labels,
            counts,
            manifests.Sum(m => m.Rows.Uncertain),
            TimeSpan.FromSeconds(manifests.Sum(m => m.Seconds)))
        {
            Engine = first.Engine,
        };
    }

    private static void WriteSummary(string path, string output, IReadOnlyList<ShardManifest> manifests, ScoringSummary summary, JsonObject statistics)
    {
        var first = manifests[0];
        var labelCounts = new JsonObject();
        for (var i = 0; i < summary.Labels.Count; i++) labelCounts[summary.Labels[i]] = summary.LabelCounts[i];
        if (first.Settings.MinConfidence is not null) labelCounts[ScoringOptions.UncertainLabel] = summary.Uncertain;
        var root = new JsonObject
        {
            ["kind"] = "classifier-score merged summary",
            ["output"] = output,
            ["size"] = new FileInfo(output).Length,
            ["sha256"] = FileHash.Sha256(output),
            ["shards"] = manifests.Count,
            ["input"] = JsonSerializer.SerializeToNode(first.Input with { ReadOffset = 0, ReadLength = 0, ReadSha256 = "" }, ShardManifest.Json),
            ["model"] = JsonSerializer.SerializeToNode(first.Model, ShardManifest.Json),
            ["engine"] = first.Engine,
            ["settings"] = JsonSerializer.SerializeToNode(first.Settings, ShardManifest.Json),
            ["rows"] = new JsonObject
            {
                ["read"] = summary.RowsRead,
                ["scored"] = summary.Scored,
                ["empty"] = summary.EmptyText,
                ["skipped"] = summary.Skipped,
                ["uncertain"] = summary.Uncertain,
            },
            ["labels"] = new JsonArray([.. summary.Labels.Select(l => (JsonNode)l)]),
            ["labelCounts"] = labelCounts,
            ["statistics"] = statistics,
            ["shardSeconds"] = new JsonArray([.. manifests.Select(m => (JsonNode)m.Seconds)]),
        };
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            root.WriteTo(writer);
        });
    }

    /// <summary>CSV and JSON lines: the first part's header, then every part's rows, byte for byte.</summary>
    private sealed class Concatenation : IPartMerger
    {
        public static readonly Concatenation Instance = new();

        public void Merge(IReadOnlyList<string> parts, IReadOnlyList<ShardManifest> manifests, Stream output)
        {
            var header = ReadHeader(parts[0], manifests[0].Part.HeaderBytes);
            output.Write(header);
            for (var i = 0; i < parts.Count; i++)
            {
                using var part = new FileStream(parts[i], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                var own = ReadHeader(part, manifests[i].Part.HeaderBytes);
                if (!own.AsSpan().SequenceEqual(header))
                    throw ClassifierException.Input($"{parts[i]}: its header differs from shard 0's; re-run it with the same input and options.");
                part.CopyTo(output, 1 << 20);
            }
        }

        private static byte[] ReadHeader(string path, long bytes)
        {
            using var stream = File.OpenRead(path);
            return ReadHeader(stream, bytes);
        }

        private static byte[] ReadHeader(Stream stream, long bytes)
        {
            var header = new byte[bytes];
            stream.ReadExactly(header);
            return header;
        }
    }
}
