using System.Globalization;

namespace Classifier.Core.Scoring.Shards;

/// <summary>
/// Which slice of the input one process scores: shard <see cref="Index"/> (0-based) of <see cref="Count"/>.
/// Comes from <c>--shard I/N</c>, or from <c>--shards N</c> and the array-task index the scheduler sets
/// (<see cref="IndexVariables"/>).
/// </summary>
internal sealed record ShardSpec(int Index, int Count)
{
    /// <summary>Kubernetes Indexed Jobs: the pod's completion index, 0 to completions - 1.</summary>
    public const string KubernetesIndex = "JOB_COMPLETION_INDEX";

    /// <summary>Slurm job arrays: the task's id (offset by <see cref="SlurmMin"/> when the array does not start at 0).</summary>
    public const string SlurmIndex = "SLURM_ARRAY_TASK_ID";

    /// <summary>Slurm job arrays: the smallest task id of the array.</summary>
    public const string SlurmMin = "SLURM_ARRAY_TASK_MIN";

    /// <summary>Slurm job arrays: how many tasks the array has.</summary>
    public const string SlurmCount = "SLURM_ARRAY_TASK_COUNT";

    /// <summary>AWS Batch array jobs: the child job's index, 0 to size - 1.</summary>
    public const string AwsBatchIndex = "AWS_BATCH_JOB_ARRAY_INDEX";

    /// <summary>The variables a shard index is read from with <c>--shards N</c>, in the order they are looked at.</summary>
    public static IReadOnlyList<string> IndexVariables { get; } = [KubernetesIndex, SlurmIndex, AwsBatchIndex];

    /// <summary>The most shards a run may be cut into (the part names and manifests stay manageable).</summary>
    public const int MaxShards = 100_000;

    /// <summary>"I/N", as the option takes it.</summary>
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>The file shard <see cref="Index"/> writes for <paramref name="output"/>: <c>OUTPUT.part-I-of-N</c>.</summary>
    public string PartPath(string output) => PartPath(output, Index, Count);

    /// <summary>The part file of shard <paramref name="index"/> of <paramref name="count"/> for <paramref name="output"/>.</summary>
    public static string PartPath(string output, int index, int count) => $"{output}.part-{index}-of-{count}";

    /// <summary>The manifest beside a part file: <c>OUTPUT.part-I-of-N.json</c>.</summary>
    public static string ManifestPath(string partPath) => partPath + ".json";

    /// <summary>Parses <c>--shard I/N</c>.</summary>
    public static ShardSpec Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0 || !TryInt(text[..slash], out var index) || !TryInt(text[(slash + 1)..], out var count))
            throw ClassifierException.Arguments($"--shard must be I/N with whole numbers, e.g. --shard 0/4 (got '{text}').");
        return Checked(index, count, $"--shard {text}");
    }

    /// <summary>
    /// The shard this process runs: <paramref name="shard"/> (<c>--shard I/N</c>) when given; else, with
    /// <paramref name="shards"/> (<c>--shards N</c>), the index from the scheduler's variable; null when
    /// neither option is given (one process scores everything).
    /// </summary>
    public static ShardSpec? Resolve(string? shard, int? shards, Func<string, string?> environment)
    {
        if (shard is not null && shards is not null)
            throw ClassifierException.Arguments("--shard I/N and --shards N cannot be used together (--shards takes the index from the scheduler's variable).");
        if (shard is not null) return Parse(shard);
        if (shards is not { } count) return null;
        if (count < 1 || count > MaxShards) throw ClassifierException.Arguments($"--shards must be between 1 and {MaxShards:N0} (got {count}).");

        // Slurm says how many tasks the array has: a different N would silently drop or repeat rows.
        if (environment(SlurmCount) is { Length: > 0 } slurmCount && environment(SlurmIndex) is { Length: > 0 }
            && (!TryInt(slurmCount, out var tasks) || tasks != count))
            throw ClassifierException.Arguments($"--shards {count} but {SlurmCount}={slurmCount}: the array must have one task per shard (sbatch --array=0-{count - 1}).");

        var found = new List<(string Name, int Index)>();
        foreach (var name in IndexVariables)
        {
            if (environment(name) is not { Length: > 0 } value) continue;
            if (!TryInt(value, out var index)) throw ClassifierException.Arguments($"{name}={value}: not a whole number, so it cannot be the shard index.");
            if (name == SlurmIndex && environment(SlurmMin) is { Length: > 0 } min)
            {
                if (!TryInt(min, out var first)) throw ClassifierException.Arguments($"{SlurmMin}={min}: not a whole number.");
                index -= first;
            }
            found.Add((name, index));
        }
        if (found.Count == 0)
            throw ClassifierException.Arguments($"--shards {count} needs the shard index: pass --shard I/{count}, or run as an array task ({string.Join(", ", IndexVariables)}).");
        if (found.Select(f => f.Index).Distinct().Count() > 1)
            throw ClassifierException.Arguments($"the shard index variables disagree ({string.Join(", ", found.Select(f => $"{f.Name} gives {f.Index}"))}); unset all but one.");
        return Checked(found[0].Index, count, $"{found[0].Name} with --shards {count}");
    }

    private static ShardSpec Checked(int index, int count, string source)
    {
        if (count < 1 || count > MaxShards) throw ClassifierException.Arguments($"{source}: the shard count must be between 1 and {MaxShards:N0}.");
        if (index < 0 || index >= count) throw ClassifierException.Arguments($"{source}: the shard index must be between 0 and {count - 1} (got {index}).");
        return new ShardSpec(index, count);
    }

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
