using Classifier.Core;

namespace Classifier.Onnx.Tests;

public sealed class ExportCommandTests
{
    [Fact]
    public void export_command_writes_an_onnx_model_that_onnx_runtime_loads()
    {
        using var folder = new TempDir();
        var onnx = folder.File("stance.onnx");
        var (code, stdout, stderr) = Run("--model", RepoFiles.Model, "--onnx", onnx);

        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("Score.output", stdout);
        using var session = OnnxScoring.Open(onnx);
        Assert.Equal(2, session.OutputMetadata.Count);
        Assert.Equal([Path.GetFileName(onnx)], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void missing_model_fails_with_the_model_exit_code_and_writes_nothing()
    {
        using var folder = new TempDir();
        var (code, _, stderr) = Run("--model", folder.File("absent.zip"), "--onnx", folder.File("out.onnx"));

        Assert.Equal(ExitCodes.BadModel, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("absent.zip", stderr);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void onnx_path_in_a_missing_folder_is_a_bad_argument()
    {
        using var folder = new TempDir();
        var (code, _, stderr) = Run("--model", RepoFiles.Model, "--onnx", Path.Combine(folder.Path, "no-such-folder", "out.onnx"));

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("no-such-folder", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Export.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
