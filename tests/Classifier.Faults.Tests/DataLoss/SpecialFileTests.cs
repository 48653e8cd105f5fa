using System.Diagnostics;
using Classifier.Core;
using Classifier.Core.IO;
using Classifier.Faults.Tests.Support;

namespace Classifier.Faults.Tests.DataLoss;

/// <summary>Reproduction 4: --force never replaces a device node, a FIFO or anything else that is not a regular file.</summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly Commands run = new();

    public void Dispose() => run.Dispose();

    private static void Exec(string file, params string[] args)
    {
        using var p = Process.Start(file, args)!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void force_onto_a_character_device_refuses_and_leaves_the_device_node()
    {
        // A copy of /dev/null's node (c 1 3) in the scratch folder: mknod needs root, which the CI container has.
        var node = run.PathOf("n");
        Exec("mknod", node, "c", "1", "3");
        var input = run.Write("c.csv", "text\nhello\n");

        var code = run.Score("--input", input, "--output", node, "--force");

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("character device", run.Stderr);
        Assert.Equal(FileKind.CharacterDevice, FileIdentity.KindAt(node));
        Assert.DoesNotContain(run.Files(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void force_onto_a_fifo_refuses_for_every_command()
    {
        var fifo = run.PathOf("pipe");
        Exec("mkfifo", fifo);
        var input = run.Write("c.csv", "text\nhello\n");

        Assert.Equal(ExitCodes.BadArguments, run.Score("--input", input, "--output", run.PathOf("o.csv"), "--errors", fifo, "--force"));
        Assert.Equal(ExitCodes.BadArguments, run.Export("--model", Commands.ShippedModel, "--onnx", fifo, "--force"));
        Assert.Equal(ExitCodes.BadArguments, run.Train("--data", run.TrainingCsv(), "--model", fifo, "--test", "none", "--ood", "none"));
        Assert.Contains("named pipe", run.Stderr);
        Assert.Equal(FileKind.Fifo, FileIdentity.KindAt(fifo));
    }

    [Fact]
    public void a_symlinked_output_replaces_the_file_it_points_to_and_keeps_the_link()
    {
        var input = run.Write("c.csv", "text\nhello\n");
        var real = run.Write("real.csv", "old");
        var link = run.PathOf("latest.csv");
        File.CreateSymbolicLink(link, real);

        Assert.Equal(ExitCodes.Success, run.Score("--input", input, "--output", link, "--force", "--quiet"));

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.StartsWith("text,predicted_label", File.ReadAllText(real));
    }
}
