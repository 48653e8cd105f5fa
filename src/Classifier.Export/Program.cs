using System.CommandLine;
using Classifier.Core;
using Classifier.Core.Model;
using Classifier.Core.Onnx;

namespace Classifier.Export;

/// <summary>The export command: writes an existing model zip as ONNX, for ONNX Runtime and Spark.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var model = new Option<string>("--model") { Description = "The ML.NET model zip to export.", DefaultValueFactory = _ => "models/stance.zip" };
        var onnx = new Option<string>("--onnx") { Description = "Where to write the ONNX model.", DefaultValueFactory = _ => "models/stance.onnx" };
        var root = new RootCommand("Export a trained model zip as an ONNX model (input 'Text', outputs 'PredictedLabel.output' and 'Score.output').")
        {
            model, onnx,
        };

        root.SetAction(parse =>
        {
            try
            {
                var onnxPath = parse.GetValue(onnx)!;
                var loaded = ModelStore.Load(parse.GetValue(model)!);
                var bytes = OnnxExport.Export(loaded, onnxPath);
                stdout.WriteLine($"Wrote {onnxPath} ({bytes / 1024.0:N0} KiB): input '{OnnxExport.InputName}' string [N,1]; " +
                    $"outputs '{OnnxExport.PredictedLabelOutput}' string [N,1], '{OnnxExport.ScoreOutput}' float [N,{loaded.Labels.Count}] ({string.Join(", ", loaded.Labels)}).");
                return ExitCodes.Success;
            }
            catch (ClassifierException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitCodes.For(e.Kind);
            }
        });

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run with --help for the options.");
            return ExitCodes.BadArguments;
        }
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}
