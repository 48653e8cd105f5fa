using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Classifier.Core;
using Classifier.Faults.Tests.Support;
using static Classifier.Faults.Tests.Support.RealProgram;

namespace Classifier.Faults.Tests.Crashes;

/// <summary>Reproductions 8-11: pipes as input, a full disk, bad service settings, a huge batch size: one line each, never a stack trace.</summary>
public sealed class ProgramCrashTests : IDisposable
{
    private readonly Commands run = new();

    public void Dispose() => run.Dispose();

    private static void OneLine(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr);
        Assert.DoesNotContain("Exception", stderr);
    }

    [Fact]
    public async Task a_fifo_as_input_is_streamed_not_a_stack_trace()
    {
        var fifo = run.PathOf("in.fifo");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        var writer = Task.Run(() => File.WriteAllText(fifo, "text\nPolice need warrants.\nEncryption protects everyone.\n"));

        var code = run.Score("--input", fifo, "--output", run.PathOf("out.csv"), "--quiet");

        await writer;
        Assert.True(code == 0, run.Stderr);
        Assert.Equal(3, File.ReadAllLines(run.PathOf("out.csv")).Length);
    }

    [Fact]
    public void piped_dev_stdin_and_process_substitution_as_input_are_scored()
    {
        var csv = run.Write("c.csv", "text\nPolice need warrants.\n");
        var piped = Shell($"cat {Q(csv)} | dotnet {Q(ScoreDll)} --input /dev/stdin --output - --quiet");
        var substituted = Shell($"dotnet {Q(ScoreDll)} --input <(cat {Q(csv)}) --output - --quiet");

        Assert.True(piped.Code == 0, piped.Err);
        Assert.StartsWith("text,predicted_label", piped.Out);
        Assert.True(substituted.Code == 0, substituted.Err);
        Assert.StartsWith("text,predicted_label", substituted.Out);
    }

    [Fact]
    public void a_full_disk_on_standard_output_is_one_line_and_exit_1()
    {
        var csv = run.Write("c.csv", "text\n" + string.Concat(Enumerable.Range(0, 3000).Select(i => $"Encryption row {i} protects everyone.\n")));

        var (code, _, err) = Shell($"dotnet {Q(ScoreDll)} --input {Q(csv)} --output - --quiet > /dev/full");

        Assert.Equal(ExitCodes.WriteFailed, code);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.Trim().Split('\n'));
        OneLine(err);
    }

    [Fact]
    public void a_full_disk_under_the_scorer_trainer_and_exporter_keeps_the_old_files()
    {
        // A real full disk: a 4 MB tmpfs (mounting needs root, which the CI container has), filled to the last byte.
        var disk = Directory.CreateDirectory(run.PathOf("disk")).FullName;
        Assert.Equal(0, Shell($"mount -t tmpfs -o size=4m tmpfs {Q(disk)}").Code);
        try
        {
            var scored = Path.Combine(disk, "scored.csv");
            var onnx = Path.Combine(disk, "m.onnx");
            var model = Path.Combine(disk, "m.zip");
            File.WriteAllText(scored, "old");
            File.WriteAllText(onnx, "old");
            File.WriteAllText(model, "old model");
            File.WriteAllText(Path.Combine(disk, "m.card.json"), "{}");
            Fill(Path.Combine(disk, "filler"));
            var csv = run.Write("c.csv", "text\n" + string.Concat(Enumerable.Range(0, 3000).Select(i => $"Encryption row {i} protects everyone's privacy.\n")));

            var codes = new[]
            {
                (run.Score("--input", csv, "--output", scored, "--force", "--quiet"), run.Stderr),
                (run.Export("--model", Commands.ShippedModel, "--onnx", onnx, "--force"), run.Stderr),
                (run.Train("--data", run.TrainingCsv(), "--test", "none", "--ood", "none", "--folds", "2", "--model", model), run.Stderr),
            };

            foreach (var (code, err) in codes)
            {
                Assert.True(code == ExitCodes.WriteFailed, err);
                Assert.Contains("cannot write", err);
                Assert.Single(err.Trim().Split('\n'));
            }
            Assert.Equal("old", File.ReadAllText(scored));
            Assert.Equal("old", File.ReadAllText(onnx));
            Assert.Equal("old model", File.ReadAllText(model));
            Assert.DoesNotContain(Directory.GetFiles(disk), f => f.EndsWith(".tmp", StringComparison.Ordinal) || f.EndsWith(".commit", StringComparison.Ordinal));
        }
        finally
        {
            Shell($"umount -l {Q(disk)}");
        }
    }

    private static void Fill(string path)
    {
        using var stream = File.Create(path);
        var block = new byte[4096];
        try
        {
            while (true) stream.Write(block);
        }
        catch (IOException)
        {
        }
        try { stream.Flush(); } catch (IOException) { }
    }

    [Theory]
    [InlineData("--Classifier:MaxTextLength", "0", "Classifier:MaxTextLength must be at least 1")]
    [InlineData("--Classifier:MaxTextLength", "abc", "Classifier:MaxTextLength: 'abc' is not a whole number")]
    [InlineData("--urls", "http://0.0.0.0:5999", "needs API keys")]
    public void bad_service_settings_stop_it_with_one_line_and_exit_2(string key, string value, string message)
    {
        using var service = Start(ApiDll, [key, value, "--model", Commands.ShippedModel]);
        var err = service.StandardError.ReadToEnd();
        Assert.True(service.WaitForExit(60_000));

        Assert.Equal(ExitCodes.BadArguments, service.ExitCode);
        Assert.Contains(message, err);
        OneLine(err);
    }

    [Fact]
    public void a_port_in_use_stops_the_service_with_one_line_and_exit_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var service = Start(ApiDll, ["--urls", $"http://127.0.0.1:{port}", "--model", Commands.ShippedModel]);
        var err = service.StandardError.ReadToEnd();
        Assert.True(service.WaitForExit(60_000));

        Assert.Equal(ExitCodes.BadArguments, service.ExitCode);
        Assert.Contains("address already in use", err);
        OneLine(err);
    }

    [Fact]
    public void a_huge_batch_size_is_a_bad_argument_not_out_of_memory()
    {
        var csv = run.Write("c.csv", "text\nhello\n");

        Assert.Equal(ExitCodes.BadArguments, run.Score("--input", csv, "--output", "-", "--batch-size", "2147483647"));
        Assert.Contains("--batch-size must be at most", run.Stderr);
        Assert.Equal(ExitCodes.BadArguments, run.Score("--input", csv, "--output", "-", "--threads", "2147483647"));
    }
}
