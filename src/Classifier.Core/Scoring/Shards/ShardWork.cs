using Classifier.Core.IO;

namespace Classifier.Core.Scoring.Shards;

/// <summary>
/// The bookkeeping of one shard around its scoring, whatever the formats: where its part, errors part
/// and manifest go, whether a previous run already did the same work (then it is skipped), what may be
/// replaced, and the manifest written last, once the part is in place.
/// </summary>
internal sealed class ShardWork
{
    private readonly ScoringJobOptions job;
    private readonly ShardManifest expected;

    private ShardWork(ScoringJobOptions job, ShardSpec shard, ShardManifest expected)
    {
        this.job = job;
        Shard = shard;
        this.expected = expected;
        PartPath = shard.PartPath(expected.Output);
        ManifestPath = ShardSpec.ManifestPath(PartPath);
        ErrorsPartPath = expected.ErrorsOutput is null ? null : shard.PartPath(expected.ErrorsOutput);
        SharesPartPath = ShardShares.SidecarPath(PartPath);
    }

    /// <summary>The shard this work is for.</summary>
    public ShardSpec Shard { get; }

    /// <summary><c>OUTPUT.part-I-of-N</c>.</summary>
    public string PartPath { get; }

    /// <summary><c>OUTPUT.part-I-of-N.json</c>.</summary>
    public string ManifestPath { get; }

    /// <summary><c>ERRORS.part-I-of-N</c> with --errors; else null.</summary>
    public string? ErrorsPartPath { get; }

    /// <summary><c>OUTPUT.part-I-of-N.shares</c>: where the share statistics go with --shares when they are too big for the manifest.</summary>
    public string SharesPartPath { get; }

    /// <summary>The --shares options as the manifest records them; null without --shares.</summary>
    public System.Text.Json.Nodes.JsonObject? SharesOptions => expected.Statistics.GetValueOrDefault(ShardShares.Name)?["options"] as System.Text.Json.Nodes.JsonObject;

    /// <summary>Why the shard need not run again (its manifest and part match this run), or null when it must run.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>
    /// Checks the paths and any earlier attempt of this shard: the same work already done is skipped;
    /// a part without its manifest (an attempt stopped between the two renames) is redone; a part from
    /// other work is replaced only with --force.
    /// </summary>
    public static ShardWork Plan(ScoringJobOptions job, ShardSpec shard, ShardInput input, ShardSettings settings)
    {
        if (job.WritesToStandardOutput || job.OutputPath is null)
            throw ClassifierException.Arguments($"--shard writes OUTPUT.part-I-of-N files{(job.SharesPath is null ? "" : " (and their share statistics, which merge turns into the --shares file)")}: give --output FILE, not standard output.");
        var shares = ShardShares.Options(job);
        var output = Path.GetFullPath(job.OutputPath!);
        var model = Path.GetFullPath(job.ModelPath);
        var expected = new ShardManifest
        {
            Shard = shard.Index,
            Shards = shard.Count,
            Output = output,
            ErrorsOutput = job.ErrorsPath is null ? null : Path.GetFullPath(job.ErrorsPath),
            Input = input,
            Model = new ShardModel { Path = model, Sha256 = File.Exists(model) ? FileHash.Sha256(model) : "" },
            Settings = settings,
            Statistics = shares is null
                ? new Dictionary<string, System.Text.Json.Nodes.JsonNode?>()
                : new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { [ShardShares.Name] = new System.Text.Json.Nodes.JsonObject { ["options"] = shares } },
        };
        var work = new ShardWork(job, shard, expected);
        ScoringJob.CheckPaths(job with
        {
            OutputPath = work.PartPath,
            ErrorsPath = work.ErrorsPartPath,
            Force = true,
        });
        work.Decide();
        return work;
    }

    private void Decide()
    {
        if (!File.Exists(ManifestPath))
        {
            // A part without a manifest: an attempt of this shard stopped after its part; it is redone.
            return;
        }
        var previous = TryRead(ManifestPath, out var unreadable);
        var other = previous is null ? unreadable : previous.DifferenceFrom(expected);
        if (other is not null)
        {
            if (!job.Force) throw ClassifierException.Arguments($"{PartPath}: exists from other work ({other}); pass --force to replace it.");
            return;
        }
        // The same work: skipped when its files are intact, redone (no --force needed) when one is missing or cut short.
        if (Verify(previous!) is null)
            SkipReason = $"{PartPath}: shard {Shard} already done with the same input, model and settings (its manifest matches); skipped.";
    }

    private string? Verify(ShardManifest previous)
    {
        foreach (var (path, file) in Files(previous))
        {
            if (!File.Exists(path)) return $"{Path.GetFileName(path)} is missing";
            if (new FileInfo(path).Length != file.Size || FileHash.Sha256(path) != file.Sha256) return $"{Path.GetFileName(path)} is not the file its manifest describes";
        }
        return null;
    }

    private IEnumerable<(string Path, ShardFile File)> Files(ShardManifest manifest)
    {
        yield return (PartPath, manifest.Part);
        if (ErrorsPartPath is not null && manifest.Errors is not null) yield return (ErrorsPartPath, manifest.Errors);
        if (ShardShares.Sidecar(manifest.Statistics.GetValueOrDefault(ShardShares.Name)) is { } sidecar) yield return (SharesPartPath, sidecar);
    }

    private static ShardManifest? TryRead(string path, out string why)
    {
        try
        {
            why = "";
            return ShardManifest.Read(path);
        }
        catch (ClassifierException e)
        {
            why = e.Message;
            return null;
        }
    }

    /// <summary>Removes the old manifest before a new part is written, so a manifest never describes another part.</summary>
    public void Begin()
    {
        if (File.Exists(ManifestPath)) File.Delete(ManifestPath);
        // Share statistics without their manifest describe nothing (this run may keep its own inline).
        if (File.Exists(SharesPartPath)) File.Delete(SharesPartPath);
        // A killed attempt (SIGKILL, a pre-empted node) leaves its temporary part behind: this shard's own, by name.
        foreach (var path in new[] { PartPath, ErrorsPartPath, SharesPartPath })
        {
            if (path is null) continue;
            foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.*.tmp")) File.Delete(stale);
        }
    }

    /// <summary>Writes the manifest (atomically) once the part (and errors part) are in place, and returns it.</summary>
    public ShardManifest Complete(ShardInput input, ShardSplit split, ScoringSummary summary, long headerBytes, long errorsHeaderBytes, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>? statistics = null)
    {
        var labelCounts = new Dictionary<string, long>();
        for (var i = 0; i < summary.Labels.Count; i++) labelCounts[summary.Labels[i]] = summary.LabelCounts[i];
        if (expected.Settings.MinConfidence is not null) labelCounts[ScoringOptions.UncertainLabel] = summary.Uncertain;
        var manifest = expected with
        {
            Part = Describe(PartPath, headerBytes),
            Errors = ErrorsPartPath is null ? null : Describe(ErrorsPartPath, errorsHeaderBytes),
            Input = input,
            Split = split,
            Rows = new ShardCounts
            {
                Read = summary.RowsRead,
                Scored = summary.Scored,
                Empty = summary.EmptyText,
                Skipped = summary.Skipped,
                Uncertain = summary.Uncertain,
            },
            Engine = summary.Engine,
            Labels = summary.Labels,
            LabelCounts = labelCounts,
            Statistics = statistics ?? expected.Statistics,
            Seconds = Math.Round(summary.Elapsed.TotalSeconds, 3),
            Finished = DateTimeOffset.UtcNow,
            Host = Environment.MachineName,
        };
        manifest.Write(ManifestPath);
        return manifest;
    }

    private static ShardFile Describe(string path, long headerBytes) => new()
    {
        Name = Path.GetFileName(path),
        Size = new FileInfo(path).Length,
        Sha256 = FileHash.Sha256(path),
        HeaderBytes = headerBytes,
    };
}
