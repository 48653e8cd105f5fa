using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Training;

namespace Classifier.Onnx.Tests;

public sealed class TrainingOnnxTests
{
    [Fact]
    public void training_with_onnx_writes_an_onnx_model_that_scores_like_the_zip()
    {
        using var folder = new TempDir();
        // A small slice of the training data (15 rows per label) keeps this test to seconds.
        var rows = LabeledCsv.Read(Path.Combine(Path.GetDirectoryName(RepoFiles.TestCsv)!, "stance.csv"), "text", "label").Rows
            .GroupBy(r => r.Label).SelectMany(g => g.Take(15)).ToArray();
        var csv = folder.File("small.csv");
        File.WriteAllLines(csv, ["text,label", .. rows.Select(r => $"{Quote(r.Text)},{Quote(r.Label)}")]);
        var zip = folder.File("small.zip");
        var onnx = folder.File("small.onnx");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Training.Program.Run(["--data", csv, "--test", "none", "--folds", "2", "--model", zip, "--onnx", onnx], stdout, stderr);

        Assert.True(code == ExitCodes.Success, stderr.ToString());
        Assert.Contains(onnx, stdout.ToString());
        var model = ModelStore.Load(zip);
        string[] texts = ["Backdoors weaken encryption for everyone.", "Police need lawful access to stop child abuse.", "The bill was debated on Tuesday."];
        var expected = ModelTrainer.Predict(model.Transformer, texts);
        using var session = OnnxScoring.Open(onnx);
        var (_, scores) = OnnxScoring.Score(session, texts);
        for (var i = 0; i < texts.Length; i++)
            Assert.Equal(expected[i], scores[i], (a, b) => Math.Abs(a - b) <= 1e-4f);
    }

    [Fact]
    public void onnx_path_in_a_missing_folder_fails_before_training()
    {
        using var folder = new TempDir();
        var stderr = new StringWriter();
        var code = Training.Program.Run(["--model", folder.File("m.zip"), "--onnx", Path.Combine(folder.Path, "missing", "m.onnx")], new StringWriter(), stderr);

        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("missing", stderr.ToString());
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    private static string Quote(string field) => $"\"{field.Replace("\"", "\"\"")}\"";
}
