using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Quantification;

namespace Classifier.Core.Scoring.Shards;

/// <summary>
/// The share statistics of a shard run with --shares: what its texts left in the estimator (per group:
/// N, predicted counts, probability sums and the per-replicate sums, all exact fixed-point doubles, see
/// <see cref="ShareAccumulator"/>), the error rates it corrects with, and the options every part of a
/// merge must share. Stored under <see cref="Name"/> in the manifest's statistics: the options and
/// counts as JSON, the state as bytes, inline (base64) when at most <see cref="InlineBytes"/>, else in
/// the sidecar <c>OUTPUT.part-I-of-N.shares</c>, written atomically before the manifest, whose size and
/// SHA-256 the manifest records.
/// </summary>
/// <remarks>
/// The state (little-endian, <see cref="BinaryWriter"/>): the string <see cref="Magic"/>; the label count and
/// each label; the method (0 pacc, 1 acc) and the replicates; the error-rate statistics as the card's JSON
/// (a string); then <see cref="ShareEstimator.WriteState"/>: the text count, the ungrouped accumulator, the
/// group count and each group's name, period, note and accumulator. An accumulator is N, the predicted
/// counts (int64 per label), the probability sums (double per label) and replicates x labels doubles.
/// </remarks>
internal static class ShardShares
{
    /// <summary>Key in <see cref="ShardManifest.Statistics"/> (and the option: --shares).</summary>
    public const string Name = "shares";

    /// <summary>States up to this size go in the manifest (base64); larger ones in the sidecar.</summary>
    public const int InlineBytes = 32 * 1024;

    /// <summary>Opens every saved state, with its layout's version.</summary>
    public const string Magic = "classifier-score shard shares v1";

    /// <summary>The sidecar beside a part: <c>OUTPUT.part-I-of-N.shares</c>.</summary>
    public static string SidecarPath(string partPath) => partPath + ".shares";

    /// <summary>
    /// What a shard's --shares options are, as its manifest records them (null without --shares): the
    /// shares file merge writes, and everything that changes the estimate. Merge requires them equal in
    /// every part (the file may differ when merge is given --shares).
    /// </summary>
    public static JsonObject? Options(ScoringJobOptions job)
    {
        if (job.SharesPath is null) return null;
        var grouping = job.ShareGrouping;
        return new JsonObject
        {
            ["output"] = Path.GetFullPath(job.SharesPath),
            ["method"] = job.Shares.MethodName,
            ["confidence"] = job.Shares.Confidence,
            ["seed"] = job.Shares.Seed,
            ["replicates"] = job.Shares.Replicates,
            ["minGroupSize"] = job.Shares.MinGroupSize,
            ["groupBy"] = grouping.GroupColumn,
            ["dateColumn"] = grouping.DateColumn,
            ["period"] = grouping.DateColumn is null ? null : grouping.PeriodName,
            ["calibration"] = job.CalibrationPath is null ? null : Path.GetFullPath(job.CalibrationPath),
            ["calibrationLabelColumn"] = job.CalibrationPath is null ? null : job.CalibrationLabelColumn,
            ["calibrationFileSha256"] = job.CalibrationPath is not null && File.Exists(job.CalibrationPath) ? FileHash.Sha256(job.CalibrationPath) : null,
        };
    }

    /// <summary>SHA-256 of the error-rate statistics as saved (the card's JSON form): the "calibration hash" every part must share.</summary>
    public static string ErrorRatesHash(string statsJson) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(statsJson)));

    /// <summary>
    /// Saves a shard's share state: in the manifest entry when small, else to <paramref name="sidecarPath"/>
    /// (atomically). Returns the manifest entry: <paramref name="options"/>, the error rates and their
    /// hash, the counts, and the sidecar's name, size and SHA-256 (or the inline bytes).
    /// </summary>
    public static JsonObject Save(JsonObject options, ShareCollector shares, IReadOnlyList<string> labels, string sidecarPath)
    {
        var estimator = shares.Estimator;
        var statsJson = JsonSerializer.Serialize(estimator.Stats, ModelCard.Json);
        void WriteTo(Stream stream)
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(labels.Count);
            foreach (var label in labels) writer.Write(label);
            writer.Write((byte)estimator.Options.Method);
            writer.Write(estimator.Options.Replicates);
            writer.Write(statsJson);
            estimator.WriteState(writer);
        }
        var entry = new JsonObject
        {
            ["options"] = options.DeepClone(),
            ["errorRates"] = estimator.Stats.Source,
            ["errorRatesSha256"] = ErrorRatesHash(statsJson),
            ["texts"] = estimator.Count,
            ["groups"] = estimator.GroupCount,
            ["withoutDate"] = shares.WithoutDate,
            ["badDate"] = shares.BadDate,
            ["firstBadDate"] = shares.FirstBadDate,
        };
        // The accumulators alone (replicates x labels doubles each) tell whether the state can be small;
        // a large one streams to the sidecar rather than being copied into memory first.
        var k = labels.Count;
        var floor = (estimator.GroupCount + 1L) * (8 + 16L * k + 8L * k * estimator.Options.Replicates) + statsJson.Length;
        if (floor <= InlineBytes)
        {
            using var buffer = new MemoryStream();
            WriteTo(buffer);
            if (buffer.Length <= InlineBytes)
            {
                entry["bytes"] = buffer.Length;
                entry["sha256"] = Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
                entry["file"] = null;
                entry["inline"] = Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
                return entry;
            }
        }
        AtomicFile.Write(sidecarPath, stream =>
        {
            // Not disposed: that would close the file before AtomicFile flushes it to disk.
            var buffered = new BufferedStream(stream, 1 << 16);
            WriteTo(buffered);
            buffered.Flush();
        });
        entry["bytes"] = new FileInfo(sidecarPath).Length;
        entry["sha256"] = FileHash.Sha256(sidecarPath);
        entry["file"] = Path.GetFileName(sidecarPath);
        entry["inline"] = null;
        return entry;
    }

    /// <summary>The sidecar a manifest's share entry names, with the size and SHA-256 it must have (null when the state is inline or there is none).</summary>
    public static ShardFile? Sidecar(JsonNode? entry)
    {
        if (entry?["file"] is not JsonValue name || !name.TryGetValue<string>(out var file)) return null;
        return new ShardFile
        {
            Name = file,
            Size = entry["bytes"] is JsonValue bytes && bytes.TryGetValue<long>(out var size) ? size : -1,
            Sha256 = entry["sha256"] is JsonValue sha && sha.TryGetValue<string>(out var hash) ? hash : "",
        };
    }

    /// <summary>"key: this vs that" for each option that differs between two options objects (empty when they agree); <paramref name="ignore"/> is left out.</summary>
    public static string Difference(JsonNode? mine, JsonNode? theirs, params string[] ignore)
    {
        var a = mine as JsonObject ?? [];
        var b = theirs as JsonObject ?? [];
        var differences = new List<string>();
        foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
        {
            if (ignore.Contains(key)) continue;
            var x = a[key]?.ToJsonString() ?? "none";
            var y = b[key]?.ToJsonString() ?? "none";
            if (x != y) differences.Add($"{key} {x} vs {y}");
        }
        return string.Join(", ", differences);
    }
}

/// <summary>
/// Merge's side of the shares: checks that every part carries share statistics made with the same
/// options and error rates, reads each part's state (inline, or its sidecar checked against the
/// manifest), adds them up in shard order and estimates, which gives the single run's numbers to the
/// bit, then writes the shares file. The file goes where the manifests say, or to
/// <paramref name="sharesOverride"/> (merge's --shares).
/// </summary>
internal sealed class ShareStatisticsMerge(string? sharesOverride) : IShardStatistics
{
    /// <inheritdoc />
    public string Name => ShardShares.Name;

    /// <inheritdoc />
    public IMergedStatistics? Combine(ShardMergeInput input)
    {
        var part = 0;
        try
        {
            return Combine(input, ref part);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            // A value of the wrong type in a hand-edited or damaged manifest.
            throw ClassifierException.Input($"{input.Shown(part)}.json: its share statistics are malformed ({ClassifierException.FirstLine(e.Message)}); run shard {part} again.", e);
        }
    }

    private IMergedStatistics? Combine(ShardMergeInput input, ref int part)
    {
        var manifests = input.Manifests;
        var entries = manifests.Select(m => m.Statistics.GetValueOrDefault(Name) as JsonObject).ToList();
        if (entries.All(e => e is null))
        {
            if (sharesOverride is not null)
                throw ClassifierException.Arguments($"--shares {sharesOverride}: the parts carry no share statistics (the shards were run without --shares); run them with --shares FILE.");
            return null;
        }
        var first = entries[0];
        for (var i = 0; i < entries.Count; i++)
        {
            part = i;
            if (entries[i] is null || first is null)
                throw ClassifierException.Input($"{input.Shown(i)}: mismatched: {(entries[i] is null ? "it was scored without --shares, shard 0 with it" : "it was scored with --shares, shard 0 without it")}; re-run it with the same options.");
            var partOptions = entries[i]!["options"] as JsonObject;
            if (partOptions is null || entries[i]!["errorRatesSha256"]?.GetValue<string>() is not { } hash)
                throw ClassifierException.Input($"{input.Shown(i)}.json: its share statistics are incomplete (no options or error-rate hash); run shard {i} again.");
            if (ShardShares.Difference(partOptions, first["options"], "output") is { Length: > 0 } different)
                throw ClassifierException.Input($"{input.Shown(i)}: mismatched: its share options differ from shard 0's ({different}); re-run it with the same --shares options.");
            if (hash != first["errorRatesSha256"]?.GetValue<string>())
                throw ClassifierException.Input($"{input.Shown(i)}: mismatched: its shares were corrected with other error rates than shard 0's (calibration SHA-256 {Short(hash)} vs {Short(first["errorRatesSha256"]?.GetValue<string>())}); re-run it with the same model and --calibration.");
            if (sharesOverride is null && partOptions["output"]?.GetValue<string>() != first["options"]?["output"]?.GetValue<string>())
                throw ClassifierException.Input($"{input.Shown(i)}: its manifest sends the shares to {partOptions["output"]}, shard 0's to {first["options"]?["output"]}; pass --shares FILE to merge to choose.");
        }

        var firstOptions = (JsonObject)first!["options"]!;
        var grouping = new ShareGrouping
        {
            GroupColumn = firstOptions["groupBy"]?.GetValue<string>(),
            DateColumn = firstOptions["dateColumn"]?.GetValue<string>(),
            Period = firstOptions["period"]?.GetValue<string>() is { } period && Enum.TryParse<SharePeriod>(period, ignoreCase: true, out var p) ? p : SharePeriod.Month,
        };
        var options = new ShareOptions
        {
            Method = firstOptions["method"]?.GetValue<string>() == "acc" ? ShareMethod.Acc : ShareMethod.Pacc,
            Confidence = firstOptions["confidence"]?.GetValue<double>() ?? 0.95,
            Seed = firstOptions["seed"]?.GetValue<int>() ?? 0,
            Replicates = firstOptions["replicates"]?.GetValue<int>() ?? 0,
            MinGroupSize = firstOptions["minGroupSize"]?.GetValue<int>() ?? 0,
        };
        part = 0;
        ShareCollector? merged = null;
        for (var i = 0; i < manifests.Count; i++)
        {
            part = i;
            var (open, where) = StateOf(input, i, entries[i]!);
            try
            {
                using var reader = new BinaryReader(open(), Encoding.UTF8);
                if (reader.ReadString() != ShardShares.Magic) throw new InvalidDataException("not a shares state of this version");
                var labels = Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadString()).ToArray();
                if (!labels.SequenceEqual(manifests[i].Labels)) throw new InvalidDataException("its labels are not the manifest's");
                var method = (ShareMethod)reader.ReadByte();
                var replicates = reader.ReadInt32();
                if (method != options.Method || replicates != options.Replicates) throw new InvalidDataException("its method or replicates are not the manifest's");
                var statsJson = reader.ReadString();
                if (ShardShares.ErrorRatesHash(statsJson) != entries[i]!["errorRatesSha256"]!.GetValue<string>()) throw new InvalidDataException("its error rates are not the ones the manifest names");
                if (merged is null)
                {
                    var stats = JsonSerializer.Deserialize<QuantificationStats>(statsJson, ModelCard.Json) ?? throw new InvalidDataException("no error rates");
                    merged = new ShareCollector(new ShareEstimator(stats, labels, options.Checked(), where), grouping, strict: false);
                }
                merged.Estimator.AddState(reader);
                if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("bytes after the end");
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or JsonException or FormatException or ArgumentException or OverflowException)
            {
                throw ClassifierException.Input($"{where}: damaged share statistics ({ClassifierException.FirstLine(e.Message)}); run shard {i} again.", e);
            }
            var entry = entries[i]!;
            merged.AddDateCounts(entry["withoutDate"]?.GetValue<long>() ?? 0, entry["badDate"]?.GetValue<long>() ?? 0, entry["firstBadDate"]?.GetValue<string>());
        }
        var target = Path.GetFullPath(sharesOverride ?? firstOptions["output"]!.GetValue<string>());
        return new MergedShares(target, merged!, grouping, input.Manifests[0].Settings.ExcelSafe, first["errorRates"]?.GetValue<string>() ?? "");
    }

    /// <summary>
    /// Opens part <paramref name="i"/>'s state (and says where it is, for messages) once its size and SHA-256
    /// are the manifest's: a sidecar is hashed as it is read from disk, then streamed, never held whole.
    /// </summary>
    private static (Func<Stream> Open, string Where) StateOf(ShardMergeInput input, int i, JsonObject entry)
    {
        var manifestName = input.Shown(i) + ".json";
        var expectedSha = entry["sha256"]?.GetValue<string>();
        if (entry["inline"]?.GetValue<string>() is { } inline)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(inline);
            }
            catch (FormatException e)
            {
                throw ClassifierException.Input($"{manifestName}: damaged share statistics (the inline state is not base64); run shard {i} again.", e);
            }
            if (expectedSha is null || Convert.ToHexStringLower(SHA256.HashData(bytes)) != expectedSha)
                throw ClassifierException.Input($"{manifestName}: damaged share statistics (their SHA-256 is not the manifest's); run shard {i} again.");
            return (() => new MemoryStream(bytes, writable: false), manifestName);
        }
        if (ShardShares.Sidecar(entry) is not { } file)
            throw ClassifierException.Input($"{manifestName}: its share statistics name neither a sidecar nor inline bytes; run shard {i} again.");
        var path = Path.Combine(Path.GetDirectoryName(input.Parts[i])!, file.Name);
        var where = Path.Combine(Path.GetDirectoryName(input.Shown(i)) ?? "", file.Name);
        if (!File.Exists(path)) throw ClassifierException.Input($"{where}: missing: shard {i}'s share statistics; run shard {i} again.");
        if (new FileInfo(path).Length != file.Size || FileHash.Sha256(path) != file.Sha256)
            throw ClassifierException.Input($"{where}: does not match its manifest (size or SHA-256): it was changed or cut short after shard {i} finished; run shard {i} again.");
        return (() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), where);
    }

    private static string Short(string? hash) => hash is null ? "none" : hash.Length > 12 ? hash[..12] : hash;

    /// <summary>The shares of the whole corpus, ready to be written to <see cref="Path"/>.</summary>
    internal sealed class MergedShares(string path, ShareCollector shares, ShareGrouping grouping, bool excelSafe, string errorRates) : IMergedStatistics
    {
        /// <summary>The shares file.</summary>
        public string Path { get; } = path;

        /// <summary>The estimates, once written.</summary>
        public ShareResults? Results { get; private set; }

        /// <summary>Rows without a readable date, as the single run's summary says it; null when none.</summary>
        public string? Note { get; private set; }

        /// <inheritdoc />
        public string Name => ShardShares.Name;

        /// <inheritdoc />
        public IReadOnlyList<(string Path, string What)> Targets => [(Path, "shares file")];

        /// <inheritdoc />
        public void Write() => (Results, Note) = ShareRun.Write(Path, shares, grouping, excelSafe);

        /// <inheritdoc />
        public JsonNode? Summary() => new JsonObject
        {
            ["output"] = Path,
            ["sha256"] = File.Exists(Path) ? FileHash.Sha256(Path) : null,
            ["texts"] = shares.Estimator.Count,
            ["groups"] = Results?.Groups.Count,
            ["errorRates"] = errorRates,
        };
    }
}
