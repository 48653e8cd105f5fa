using System.CommandLine;
using System.Diagnostics;
using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Onnx;
using Classifier.Core.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Classifier.Onnx.Bench;

/// <summary>
/// Scores the same sentences with ML.NET and with the exported model in ONNX Runtime and prints
/// sentences per second for each. Numbers, not assertions: run it on a quiet machine.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var model = new Option<string>("--model") { Description = "Model zip (exported to a temporary ONNX file first).", DefaultValueFactory = _ => "models/stance.zip" };
        var data = new Option<string>("--data") { Description = "Labeled CSV whose texts are cycled to --rows sentences.", DefaultValueFactory = _ => "data/stance.csv" };
        var rows = new Option<int>("--rows") { Description = "Sentences to score each way.", DefaultValueFactory = _ => 200_000 };
        var batch = new Option<int>("--batch") { Description = "ONNX Runtime rows per Run call.", DefaultValueFactory = _ => 64 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0 = its default, one per core); 1 matches ML.NET's single cursor.", DefaultValueFactory = _ => 1 };
        var root = new RootCommand("Throughput of ONNX Runtime vs ML.NET on the exported model.") { model, data, rows, batch, threads };
        root.SetAction(parse =>
        {
            try
            {
                Run(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(rows), parse.GetValue(batch), parse.GetValue(threads));
                return ExitCodes.Success;
            }
            catch (ClassifierException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.For(e.Kind);
            }
        });
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) Console.Error.WriteLine($"error: {error.Message}");
            return ExitCodes.BadArguments;
        }
        return result.Invoke();
    }

    private static void Run(string modelPath, string dataPath, int count, int batchSize, int threads)
    {
        var loaded = ModelStore.Load(modelPath);
        var source = LabeledCsv.Read(dataPath, "text", "label").Rows.Select(r => r.Text).ToArray();
        var texts = Enumerable.Range(0, count).Select(i => source[i % source.Length]).ToArray();
        var onnxPath = Path.Combine(Path.GetTempPath(), $"classifier-bench-{Environment.ProcessId}.onnx");
        try
        {
            OnnxExport.Export(loaded, onnxPath);
            using var options = new SessionOptions { IntraOpNumThreads = threads };
            using var session = new InferenceSession(onnxPath, options);
            Console.WriteLine($"{count:N0} sentences (cycled from {source.Length:N0} in {dataPath}), model {modelPath}, {Environment.ProcessorCount} cores, ONNX Runtime intra-op threads {(threads == 0 ? "default" : threads)}.");

            // Warm up both (JIT, first-call allocations) on a slice before timing.
            ModelTrainer.Predict(loaded.Transformer, texts.Take(1_000));
            ScoreOnnx(session, texts.Take(1_000).ToArray(), batchSize);

            Report("ML.NET (Transform over an IDataView)", count, Time(() => ModelTrainer.Predict(loaded.Transformer, texts)));
            Report($"ONNX Runtime, batches of {batchSize}", count, Time(() => ScoreOnnx(session, texts, batchSize)));
            var single = Math.Min(count, 20_000);
            Report("ONNX Runtime, one row per call", single, Time(() => ScoreOnnx(session, texts.Take(single).ToArray(), 1)));
        }
        finally
        {
            File.Delete(onnxPath);
        }
    }

    private static void ScoreOnnx(InferenceSession session, string[] texts, int batchSize)
    {
        for (var start = 0; start < texts.Length; start += batchSize)
        {
            var n = Math.Min(batchSize, texts.Length - start);
            var input = new DenseTensor<string>(texts.AsMemory(start, n), [n, 1]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
            _ = results.Single(r => r.Name == OnnxExport.ScoreOutput).AsTensor<float>()[n - 1, 0];
        }
    }

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    private static void Report(string what, int count, TimeSpan elapsed) =>
        Console.WriteLine($"  {what,-40} {count,9:N0} sentences in {elapsed.TotalSeconds,6:0.0} s = {count / elapsed.TotalSeconds,8:N0} sentences/s");
}
