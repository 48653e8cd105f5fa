using System.CommandLine;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Cli.Tables;
using Classifier.Core.Scoring.Shards;

namespace Classifier.Scoring.Commands;

/// <summary><c>classifier-score merge --output OUTPUT --shards N</c>: puts the parts of N shard runs together.</summary>
internal sealed class MergeCommand : Command
{
    /// <summary>The subcommand, reporting to <paramref name="context"/>'s standard error.</summary>
    public MergeCommand(CommandContext context)
        : base("merge", "Merge the parts written by N shard runs into the output one run would have written (checked against their manifests), with the merged summary OUTPUT.summary.json and, when the shards were run with --shares, the shares file one run would have written.")
    {
        var stderr = context.Stderr;
        var output = new Option<string>("--output") { Description = "The output the shards were given: reads OUTPUT.part-I-of-N and their manifests, writes OUTPUT.", Required = true };
        var shards = new Option<int>("--shards") { Description = "How many shards the input was cut into.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing merged output." };
        var quiet = new Option<bool>("--quiet") { Description = "No summary on standard error." };
        var shares = new Option<string?>("--shares") { Description = "Where to write the merged shares when the shards were run with --shares (default: the --shares FILE recorded in their manifests)." };
        foreach (var option in new Option[] { output, shards, force, quiet, shares }) Options.Add(option);
        SetAction(parse => CommandShell.Guard(stderr, () =>
        {
            var result = ShardMerge.Run(parse.GetValue(output)!, parse.GetValue(shards), parse.GetValue(force), Formats.Mergers, [new ShareStatisticsMerge(parse.GetValue(shares))]);
            if (!parse.GetValue(quiet))
            {
                stderr.WriteLine(result.Summary.ToTable(result.Sentences));
                foreach (var merged in result.Statistics.OfType<ShareStatisticsMerge.MergedShares>())
                {
                    stderr.WriteLine(ShareTables.Summary(merged.Results!));
                    if (merged.Note is not null) stderr.WriteLine(merged.Note);
                    stderr.WriteLine($"Wrote the shares to {merged.Path}.");
                }
                stderr.WriteLine($"Merged {parse.GetValue(shards)} parts into {result.Output}; summary in {result.SummaryPath} (seconds and rows/s above: the shards' scoring time added up){(result.ErrorsOutput is null ? "" : $"; errors in {result.ErrorsOutput}")}.");
            }
            return ExitCodes.Success;
        }));
    }
}
