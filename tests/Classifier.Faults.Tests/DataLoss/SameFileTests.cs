using System.Diagnostics;
using Classifier.Core;
using Classifier.Faults.Tests.Support;

namespace Classifier.Faults.Tests.DataLoss;

/// <summary>Reproductions 1-3: an output that reaches an input by another path is refused; export keeps files without --force.</summary>
public sealed class SameFileTests : IDisposable
{
    private readonly Commands run = new();

    public void Dispose() => run.Dispose();

    private string Linked(string target)
    {
        var link = run.PathOf("link-" + Guid.NewGuid().ToString("N"));
        Directory.CreateSymbolicLink(link, target);
        return link;
    }

    [Fact]
    public void an_output_reached_through_a_symlinked_folder_is_refused_as_the_input_even_with_force()
    {
        var data = Directory.CreateDirectory(run.PathOf("data")).FullName;
        var input = Path.Combine(data, "corpus.csv");
        File.WriteAllText(input, "text\nEncryption protects everyone.\n");
        var before = File.ReadAllBytes(input);
        var link = Linked(data);

        var code = run.Score("--input", Path.Combine(link, "corpus.csv"), "--output", input, "--force");

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("input", run.Stderr);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void an_output_that_is_a_hard_link_to_the_input_is_refused()
    {
        var input = run.Write("corpus.csv", "text\nhello\n");
        var hard = run.PathOf("other-name.csv");
        Process.Start("ln", [input, hard])!.WaitForExit();

        Assert.Equal(ExitCodes.BadArguments, run.Score("--input", input, "--output", hard, "--force"));
        Assert.Equal("text\nhello\n", File.ReadAllText(input));
    }

    [Fact]
    public void suggest_refuses_an_output_that_is_the_corpus_through_a_link_or_the_labeled_file()
    {
        var corpus = run.Write("corpus.csv", "text\nPolice need warrants.\nBackdoors weaken security.\n");
        var labeled = run.Write("labeled.csv", "text,label,source\nPolice need access.,pro-access,x\n");
        var labeledBefore = File.ReadAllBytes(labeled);
        var link = Linked(run.Folder);

        Assert.Equal(ExitCodes.BadArguments, run.Score("--input", Path.Combine(link, "corpus.csv"), "--suggest", "1", "--output", corpus, "--force"));
        Assert.Equal(ExitCodes.BadArguments, run.Score("--input", corpus, "--suggest", "1", "--labeled", labeled, "--output", Path.Combine(link, "labeled.csv"), "--force"));
        Assert.Contains("labeled", run.Stderr);
        Assert.Equal(labeledBefore, File.ReadAllBytes(labeled));
    }

    [Fact]
    public void the_errors_file_may_not_be_the_model_or_the_input()
    {
        var input = run.Write("corpus.csv", "text\nhello\n");
        var model = run.PathOf("m.zip");
        File.Copy(Commands.ShippedModel, model);
        var before = File.ReadAllBytes(model);

        Assert.Equal(ExitCodes.BadArguments, run.Score("--input", input, "--output", run.PathOf("out.csv"), "--errors", model, "--model", model, "--force"));
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void training_refuses_a_model_path_that_is_its_own_data_file_and_keeps_the_csv()
    {
        var data = run.TrainingCsv("t.csv");
        var before = File.ReadAllBytes(data);

        var code = run.Train("--data", data, "--model", data, "--test", "none", "--ood", "none", "--folds", "2");

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("training data", run.Stderr);
        Assert.Equal(before, File.ReadAllBytes(data));
    }

    [Fact]
    public void training_refuses_misclassified_rows_written_over_the_test_file_reached_through_a_link()
    {
        var data = run.TrainingCsv();
        var test = run.TrainingCsv("test.csv");
        var before = File.ReadAllBytes(test);
        var link = Linked(run.Folder);

        var code = run.Train("--data", data, "--test", test, "--ood", "none", "--model", run.PathOf("m.zip"), "--folds", "2",
            "--misclassified", Path.Combine(link, "test.csv"));

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("test file", run.Stderr);
        Assert.Equal(before, File.ReadAllBytes(test));
        Assert.False(File.Exists(run.PathOf("m.zip")));
    }

    [Fact]
    public void export_refuses_an_onnx_path_that_is_the_model()
    {
        var model = run.PathOf("m.zip");
        File.Copy(Commands.ShippedModel, model);
        var before = File.ReadAllBytes(model);

        Assert.Equal(ExitCodes.BadArguments, run.Export("--model", model, "--onnx", Path.Combine(Linked(run.Folder), "m.zip")));
        Assert.Contains("model", run.Stderr);
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void export_keeps_an_existing_onnx_file_unless_force_is_given()
    {
        var onnx = run.Write("m.onnx", "precious");

        Assert.Equal(ExitCodes.BadArguments, run.Export("--model", Commands.ShippedModel, "--onnx", onnx));
        Assert.Contains("--force", run.Stderr);
        Assert.Equal("precious", File.ReadAllText(onnx));

        Assert.Equal(ExitCodes.Success, run.Export("--model", Commands.ShippedModel, "--onnx", onnx, "--force"));
        Assert.True(new FileInfo(onnx).Length > 1000);
    }
}
