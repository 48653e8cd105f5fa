using System.Text.Json;
using System.Text.RegularExpressions;
using Classifier.Core;
using Classifier.Core.Scoring.Shards;
using YamlDotNet.RepresentationModel;

namespace Classifier.Scoring.Tests.Shards;

/// <summary>
/// The scheduler recipes in deploy/: they parse, name the image the Containerfile builds, and their
/// commands, run as written (with /data and the model path pointed at a scratch folder), score a
/// corpus in shards with the index taken from the scheduler's variable and merge it.
/// </summary>
public sealed class RecipeTests : IDisposable
{
    private const string Image = "registry.example.org/classifier/classifier-score:1";
    private readonly TempDir folder = new();

    public void Dispose() => folder.Dispose();

    private static string Deploy(params string[] parts) => Repo.File(["deploy", .. parts]);

    private static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
            node = step is int i ? ((YamlSequenceNode)node).Children[i] : ((YamlMappingNode)node).Children[new YamlScalarNode((string)step)];
        return node;
    }

    private static string[] Strings(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!)];

    private static int ShardsOf(string[] args) => int.Parse(args[Array.IndexOf(args, "--shards") + 1]);

    [Fact]
    public void the_containerfile_runs_the_scorer_with_the_model_where_the_recipes_look_for_it()
    {
        var file = File.ReadAllText(Deploy("Containerfile"));
        Assert.Contains("RUN dotnet publish src/Classifier.Scoring/Classifier.Scoring.csproj -c Release -o /app", file);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/classifier-score.dll\"]", file);
        Assert.Contains("COPY models/stance.zip models/stance.card.json /app/models/", file);
        Assert.Contains($"-t {Image}", file);
    }

    [Fact]
    public void the_kubernetes_indexed_job_runs_one_pod_per_shard_and_its_merge_job_merges_them()
    {
        var job = Yaml(Deploy("kubernetes", "indexed-job.yaml"));
        Assert.Equal("Indexed", At(job, "spec", "completionMode").ToString());
        var container = At(job, "spec", "template", "spec", "containers", 0);
        Assert.Equal(Image, At(container, "image").ToString());
        var args = Strings(At(container, "args"));
        Assert.Equal(int.Parse(At(job, "spec", "completions").ToString()), ShardsOf(args));
        Assert.Equal(ShardSpec.KubernetesIndex, At(container, "env", 0, "name").ToString());
        Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", At(container, "env", 0, "valueFrom", "fieldRef", "fieldPath").ToString());

        var merge = Yaml(Deploy("kubernetes", "merge-job.yaml"));
        var mergeContainer = At(merge, "spec", "template", "spec", "containers", 0);
        Assert.Equal(Image, At(mergeContainer, "image").ToString());
        var mergeArgs = Strings(At(mergeContainer, "args"));

        RunsAsWritten(args, mergeArgs, i => new() { [ShardSpec.KubernetesIndex] = i.ToString() });
    }

    [Fact]
    public void the_aws_batch_array_job_and_its_merge_job_run_as_written()
    {
        using var definition = JsonDocument.Parse(File.ReadAllText(Deploy("aws-batch", "job-definition.json")));
        using var array = JsonDocument.Parse(File.ReadAllText(Deploy("aws-batch", "submit-array.json")));
        using var merge = JsonDocument.Parse(File.ReadAllText(Deploy("aws-batch", "submit-merge.json")));
        var container = definition.RootElement.GetProperty("containerProperties");
        Assert.Equal(Image, container.GetProperty("image").GetString());
        string[] args = [.. container.GetProperty("command").EnumerateArray().Select(a => a.GetString()!)];
        Assert.Equal(array.RootElement.GetProperty("arrayProperties").GetProperty("size").GetInt32(), ShardsOf(args));
        Assert.Equal(definition.RootElement.GetProperty("jobDefinitionName").GetString(), array.RootElement.GetProperty("jobDefinition").GetString());
        Assert.Equal("ARRAY_JOB_ID", merge.RootElement.GetProperty("dependsOn")[0].GetProperty("jobId").GetString());
        string[] mergeArgs = [.. merge.RootElement.GetProperty("containerOverrides").GetProperty("command").EnumerateArray().Select(a => a.GetString()!)];

        RunsAsWritten(args, mergeArgs, i => new() { [ShardSpec.AwsBatchIndex] = i.ToString() });
    }

    [Fact]
    public void the_slurm_array_has_one_task_per_shard_and_its_merge_script_runs_after_it()
    {
        var script = File.ReadAllText(Deploy("slurm", "score-array.sh"));
        var range = Regex.Match(script, @"#SBATCH --array=(\d+)-(\d+)");
        var tasks = int.Parse(range.Groups[2].Value) - int.Parse(range.Groups[1].Value) + 1;
        Assert.Contains($"IMAGE=docker://{Image}", script);
        Assert.Contains("${SLURM_ARRAY_TASK_ID}", script);
        var args = CommandAfterImage(script);
        Assert.Equal(tasks, ShardsOf(args));
        var mergeScript = File.ReadAllText(Deploy("slurm", "merge.sh"));
        Assert.Contains($"IMAGE=docker://{Image}", mergeScript);
        Assert.Contains("sbatch --dependency=afterok:$jid deploy/slurm/merge.sh", script);

        RunsAsWritten(args, CommandAfterImage(mergeScript), i => new()
        {
            [ShardSpec.SlurmIndex] = (i + int.Parse(range.Groups[1].Value)).ToString(),
            [ShardSpec.SlurmMin] = range.Groups[1].Value,
            [ShardSpec.SlurmCount] = tasks.ToString(),
        });
    }

    /// <summary>The words after "$IMAGE" of the script's srun line (joined across its backslash continuation).</summary>
    private static string[] CommandAfterImage(string script)
    {
        var line = script.Replace("\\\n", " ").Split('\n').Single(l => l.StartsWith("srun ", StringComparison.Ordinal));
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words[(Array.IndexOf(words, "\"$IMAGE\"") + 1)..];
    }

    /// <summary>Runs the shard command N times (the index from the scheduler's variables) and the merge, with /data and /app/models pointed here.</summary>
    private void RunsAsWritten(string[] shardArgs, string[] mergeArgs, Func<int, Dictionary<string, string>> environment)
    {
        var data = Directory.CreateDirectory(folder.File("data")).FullName;
        Directory.CreateDirectory(Path.Combine(data, "out"));
        ParquetCorpus.Write(Path.Combine(data, "corpus.parquet"), 400, groupRows: 50, seed: 2);
        string[] Local(string[] args) => [.. args.Select(a => a.Replace("/app/models/stance.zip", ScoringRun.ShippedModel).Replace("/data", data))];
        var count = ShardsOf(shardArgs);
        var processes = Enumerable.Range(0, count).Select(i => ShardCorpus.Start(environment(i), Local(shardArgs))).ToList();
        foreach (var process in processes)
        {
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == ExitCodes.Success, stderr);
            process.Dispose();
        }
        var (code, error) = ShardCorpus.Run(null, Local(mergeArgs));
        Assert.True(code == ExitCodes.Success, error);
        var (_, columns, _) = ParquetCorpus.Read(Path.Combine(data, "out", "scored.parquet"));
        Assert.Equal(400, columns[0].Length);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (object?)(i * 3L)), columns[0]);
        // The shards ran with --shares: merge wrote the shares of the whole corpus.
        if (shardArgs.Contains("--shares"))
        {
            var (header, rows) = ScoringRun.ReadCsv(Path.Combine(data, "out", "shares.csv"));
            Assert.Equal("group", header[0]);
            Assert.Equal(["all", "all", "all"], rows.Select(r => r[0]));
            // Every non-blank text of the 400 rows counts once.
            Assert.All(rows, r => Assert.InRange(int.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture), 350, 400));
        }
    }
}
