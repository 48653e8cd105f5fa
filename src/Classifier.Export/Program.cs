using System.CommandLine;
using Classifier.Cli;
using Classifier.Core;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Onnx;

namespace Classifier.Export;

/// <summary>The export command: writes an existing model zip as ONNX, for ONNX Runtime and Spark.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var termination = Termination.Install(TimeSpan.Zero, Console.Error);
        return termination.Exit(Run(args, Console.Out, Console.Error));
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var model = new Option<string>("--model") { Description = "The ML.NET model zip to export.", DefaultValueFactory = _ => "models/stance.zip" };
        var onnx = new Option<string>("--onnx") { Description = "Where to write the ONNX model.", DefaultValueFactory = _ => "models/stance.onnx" };
        var force = new Option<bool>("--force") { Description = "Replace an existing ONNX file (never the model)." };
        var root = new RootCommand("Export a trained model zip as an ONNX model (input 'Text', outputs 'PredictedLabel.output' and 'Score.output').")
        {
            model, onnx, force,
        };

        root.SetAction(parse => CommandShell.Guard(stderr, () =>
        {
            var onnxPath = parse.GetValue(onnx)!;
            var modelPath = parse.GetValue(model)!;
            // Compared as files: --onnx must not reach the model (or its card) by any path, nor replace a device.
            SafePaths.Check([(modelPath, "model"), (ModelCard.PathFor(modelPath), "model card")], [(onnxPath, "ONNX file")]);
            if (File.Exists(onnxPath) && !parse.GetValue(force))
                throw ClassifierException.Arguments($"{onnxPath}: the ONNX file exists; pass --force to replace it.");
            foreach (var note in StaleTemporaryFiles.Sweep([onnxPath])) stderr.WriteLine(note);
            using var inputs = SafePaths.ProtectInputs([modelPath, ModelCard.PathFor(modelPath)]);
            var loaded = ModelStore.Load(modelPath);
            var bytes = OnnxExport.Export(loaded, onnxPath);
            stdout.WriteLine($"Wrote {onnxPath} ({bytes / 1024.0:N0} KiB): input '{OnnxExport.InputName}' string [N,1]; " +
                $"outputs '{OnnxExport.PredictedLabelOutput}' string [N,1], '{OnnxExport.ScoreOutput}' float [N,{loaded.Labels.Count}] ({string.Join(", ", loaded.Labels)}).");
            return ExitCodes.Success;
        }));

        return CommandShell.Invoke(root, args, stdout, stderr);
    }
}
