using System.Diagnostics;
using Classifier.Core.Contract;
using Classifier.Core.Model;
using Classifier.Core.Scoring;
using CsvHelper;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Classifier.Benchmarks;

/// <summary>
/// Benchmark helpers (not tests): generate a corpus, write fastText files, and profile where the
/// microseconds per row go. bench/run.sh drives them and times the real programs.
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
            case "generate":
                Generate(Arg("--data", "data/stance.csv"), Arg("--out", "bench/out/corpus.csv"), long.Parse(Arg("--rows", "1000000")), int.Parse(Arg("--seed", "7")), args.Contains("--grouped"));
                return 0;
            case "to-parquet":
                ToParquet(Arg("--input", "bench/out/corpus.csv"), Arg("--out", "bench/out/corpus.parquet"), int.Parse(Arg("--group-rows", "100000")));
                return 0;
            case "fasttext-files":
                FastTextFiles(Arg("--data", "data/stance.csv"), Arg("--corpus", "bench/out/corpus.csv"), Arg("--train", "bench/out/ft-train.txt"), Arg("--texts", "bench/out/ft-texts.txt"));
                if (Arg("--test", "") is { Length: > 0 } test) FastTextLabeled(test, Arg("--test-out", "bench/out/ft-test.txt"));
                return 0;
            case "profile":
                Profile(Arg("--model", "models/stance.zip"), Arg("--input", "bench/out/corpus.csv"), int.Parse(Arg("--rows", "100000")));
                return 0;
            case "features":
                FeatureVariants.Run(Arg("--data", "data/stance.csv"), Arg("--test", "data/stance-test.csv"), Arg("--ood", "data/stance-ood.csv"),
                    Arg("--variants", "w2c4,w2,w2c3,w1c3").Split(','), Arg("--out", "bench/out"));
                return 0;
            case "sweep":
                SettingsSweep.Run(Arg("--data", "data/stance.csv"), Arg("--dev", "data/stance-dev.csv"), Arg("--candidates", "lbfgs:ngrams:w2c4:20000:0.1").Split(','));
                return 0;
            default:
                Console.Error.WriteLine("usage: classifier-bench generate|to-parquet|fasttext-files|profile|features|sweep [--rows N] [--out F] [--input F] [--variants w2c4,w2]");
                return 2;
        }
    }

    /// <summary>
    /// News-like rows: a labeled sentence of our data with three of its words replaced by random words
    /// of the vocabulary, so texts are unique but keep the length and style (about 25 words) of the data.
    /// </summary>
    /// <remarks><paramref name="grouped"/> adds the columns <c>outlet</c> (10 outlets) and <c>published</c> (dates over
    /// 2019-2020), taken from the row number so the texts are the same with or without them (for --shares).</remarks>
    private static void Generate(string data, string output, long rows, int seed, bool grouped = false)
    {
        var sentences = ReadColumn(data, "text");
        var vocabulary = sentences.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToArray();
        var random = new Random(seed);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        using var stream = File.Create(output);
        using var writer = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" });
        writer.WriteField("id");
        writer.WriteField("text");
        if (grouped)
        {
            writer.WriteField("outlet");
            writer.WriteField("published");
        }
        writer.EndRecord();
        for (long i = 0; i < rows; i++)
        {
            var words = new List<string>(sentences[random.Next(sentences.Count)].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            // Short sentences get the start of another one, so rows average about 25 words like news sentences.
            while (words.Count < 20) words.AddRange(sentences[random.Next(sentences.Count)].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(30 - words.Count));
            for (var k = 0; k < 3; k++) words[random.Next(words.Count)] = vocabulary[random.Next(vocabulary.Length)];
            writer.WriteField(i + 1, default);
            writer.WriteField(string.Join(' ', words));
            if (grouped)
            {
                writer.WriteField($"outlet-{i % 10}");
                writer.WriteField(new DateOnly(2019, 1, 1).AddDays((int)(i * 17 % 730)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }
            writer.EndRecord();
        }
        Console.WriteLine($"wrote {rows:N0} rows to {output} ({new FileInfo(output).Length / 1e6:N0} MB)");
    }

    /// <summary>A generated corpus (id,text and any further columns) as Parquet: id as int64, the others as strings, row groups of <paramref name="groupRows"/>.</summary>
    private static void ToParquet(string input, string output, int groupRows)
    {
        using var reader = CsvReader.FromFile(input, new CsvReaderOptions { Separator = ',' });
        var headers = reader.Headers.ToArray();
        var schema = new Parquet.Schema.ParquetSchema([new Parquet.Schema.DataField<long>("id"), .. headers.Skip(1).Select(h => new Parquet.Schema.DataField<string>(h))]);
        using var stream = File.Create(output);
        var writer = Parquet.ParquetWriter.CreateAsync(schema, stream).GetAwaiter().GetResult();
        var ids = new long[groupRows];
        var columns = headers.Skip(1).Select(_ => new string?[groupRows]).ToArray();
        long rows = 0;
        var n = 0;
        void Flush()
        {
            if (n == 0) return;
            using var group = writer.CreateRowGroup();
            group.WriteAsync<long>(schema.DataFields[0], ids.AsMemory(0, n)).GetAwaiter().GetResult();
            for (var c = 0; c < columns.Length; c++) group.WriteAsync(schema.DataFields[c + 1], new ArraySegment<string?>(columns[c], 0, n)!).GetAwaiter().GetResult();
            n = 0;
        }
        while (reader.Read())
        {
            ids[n] = long.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture);
            for (var c = 0; c < columns.Length; c++) columns[c][n] = reader.GetString(c + 1);
            n++;
            rows++;
            if (n == groupRows) Flush();
        }
        Flush();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine($"wrote {rows:N0} rows to {output} ({new FileInfo(output).Length / 1e6:N0} MB, row groups of {groupRows:N0})");
    }

    /// <summary>A labeled CSV as fastText's "__label__x text" lines.</summary>
    private static void FastTextLabeled(string data, string output)
    {
        using var reader = CsvReader.FromFile(data, new CsvReaderOptions { Separator = ',' });
        using var writer = new StreamWriter(output);
        var text = reader.GetFieldIndex("text");
        var label = reader.GetFieldIndex("label");
        while (reader.Read()) writer.WriteLine($"__label__{reader.GetString(label)} {OneLine(reader.GetString(text))}");
    }

    /// <summary>fastText's formats: "__label__x text" lines to train on, and the corpus texts one per line to predict.</summary>
    private static void FastTextFiles(string data, string corpus, string train, string texts)
    {
        FastTextLabeled(data, train);
        using (var reader = CsvReader.FromFile(corpus, new CsvReaderOptions { Separator = ',' }))
        using (var writer = new StreamWriter(texts))
        {
            var text = reader.GetFieldIndex("text");
            while (reader.Read()) writer.WriteLine(OneLine(reader.GetString(text)));
        }
        Console.WriteLine($"wrote {train} and {texts}");
    }

    /// <summary>
    /// Single-threaded CPU microseconds per row of each stage, cumulative for the model stages (ML.NET
    /// computes only the columns asked for and what they depend on).
    /// </summary>
    private static void Profile(string modelPath, string input, int rows)
    {
        var texts = new List<string>(rows);
        var parse = Cpu(() =>
        {
            using var reader = CsvReader.FromFile(input, new CsvReaderOptions { Separator = ',', TrackLineNumbers = true });
            var index = reader.GetFieldIndex("text");
            var fields = new string[2];
            while (texts.Count < rows && reader.Read())
            {
                for (var i = 0; i < reader.FieldCount && i < fields.Length; i++) fields[i] = reader.GetString(i);
                texts.Add(fields[index]);
            }
        });
        var n = texts.Count;
        Console.WriteLine($"{n:N0} rows of {input}, single thread, CPU µs per row (cumulative for the ML.NET chain's stages):");
        Console.WriteLine($"  {"CSV parse (CsvHelper, all fields)",-44} {parse / n,8:0.0}");

        var ml = new MLContext();
        var model = ModelStore.Load(modelPath, ml);
        var array = texts.ToArray();
        var view = ml.Data.LoadFromEnumerable(texts.Select(t => new TextInput { Text = t }));
        var scored = model.Transformer.Transform(view);
        // Warm up (JIT, tiered compilation) on every column before measuring.
        ReadColumns(ml.Data.TakeRows(scored, Math.Min(n, 3000)), [ModelSchema.PredictedLabel, ModelSchema.Score]);
        Console.WriteLine($"  {"IDataView plumbing (read Text column)",-44} {ReadColumns(scored, [ModelSchema.Text]) / n,8:0.0}");
        foreach (var column in new[] { "NormalizedText", "Words", "WordKeys", "WordNgrams", "WordFeatures", "Chars", "Char3Ngrams", "Char3Features", "Char4Ngrams", "Char4Features", "Char5Ngrams", "Char5Features", ModelSchema.Features, ModelSchema.Score, ModelSchema.PredictedLabel })
        {
            if (scored.Schema.GetColumnOrNull(column) is null) continue;
            Console.WriteLine($"  {"up to " + column,-44} {ReadColumns(scored, [column]) / n,8:0.0}");
        }
        DescribeVector(scored, ModelSchema.Features);
        if (Classifier.Core.Compiled.ModelCompiler.TryCompile(model) is { Model: { } compiled })
        {
            var work = compiled.CreateWorkspace();
            var probabilities = new float[compiled.LabelCount];
            foreach (var text in array.Take(3000)) compiled.Score(text, probabilities, work);
            var fused = Enumerable.Range(0, 3).Min(_ => Cpu(() =>
            {
                foreach (var text in array) compiled.Score(text, probabilities, work);
            }));
            Console.WriteLine($"  {"compiled model, all stages (default engine)",-44} {fused / n,8:0.0}");
        }
        var scorer = new BatchScorer(model, ScoringEngine.MlNet);
        BatchPredictions? last = scorer.Score(array[..Math.Min(n, 3000)], Math.Min(n, 3000));
        foreach (var size in new[] { 256, 1024, 4096 })
        {
            var batches = Enumerable.Range(0, 2).Min(_ => Cpu(() =>
            {
                for (var start = 0; start < n; start += size)
                {
                    var count = Math.Min(size, n - start);
                    last = scorer.Score(array[start..(start + count)], count);
                }
            }));
            Console.WriteLine($"  {$"ML.NET engine, batches of {size}",-44} {batches / n,8:0.0}");
        }

        var write = Cpu(() =>
        {
            using var sink = new CsvOutputWriter(Stream.Null, excelSafe: false);
            for (var i = 0; i < n; i++)
            {
                sink.Integer(i);
                sink.Text(array[i]);
                sink.Text("pro-access");
                for (var j = 0; j < 4; j++) sink.Number(last!.Probabilities[(i % last.Count) * 3 % last.Probabilities.Length]);
                sink.EndRecord();
            }
        });
        Console.WriteLine($"  {"CSV write (6 cells, to nowhere)",-44} {write / n,8:0.0}");
    }

    /// <summary>Whether a vector column stays sparse: a dense 60,000-slot Features vector would explain a costly Concatenate.</summary>
    private static void DescribeVector(IDataView view, string name)
    {
        if (view.Schema.GetColumnOrNull(name) is not { } column) return;
        using var cursor = view.GetRowCursor([column]);
        var get = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        if (!cursor.MoveNext()) return;
        get(ref value);
        Console.WriteLine($"  ({name}: {value.Length:N0} slots, {value.GetValues().Length:N0} stored, {(value.IsDense ? "dense" : "sparse")})");
    }

    private static double ReadColumns(IDataView view, string[] names)
    {
        // The least of three runs: other processes share the CPU caches and cores.
        return Enumerable.Range(0, 3).Min(_ => ReadColumnsOnce(view, names));
    }

    private static double ReadColumnsOnce(IDataView view, string[] names)
    {
        return Cpu(() =>
        {
            var columns = names.Select(n => view.Schema[n]).ToArray();
            // A cursor set of one, as BatchScorer does: GetRowCursor would split the rows over
            // ML.NET worker threads and count their hand-offs and spin-waits as stage cost.
            using var cursor = view.GetRowCursorSet(columns, 1)[0];
            var getters = columns.Select(c => MakeGetter(cursor, c)).ToArray();
            while (cursor.MoveNext())
            {
                foreach (var get in getters) get();
            }
        });
    }

    private static Action MakeGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var type = column.Type is VectorDataViewType vector ? vector.ItemType.RawType : column.Type.RawType;
        var method = typeof(Program).GetMethod(column.Type is VectorDataViewType ? nameof(VectorGetter) : nameof(ScalarGetter),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(type);
        return (Action)method.Invoke(null, [cursor, column])!;
    }

    private static Action VectorGetter<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var get = cursor.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return () => get(ref value);
    }

    private static Action ScalarGetter<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var get = cursor.GetGetter<T>(column);
        T value = default!;
        return () => get(ref value);
    }

    /// <summary>CPU microseconds the process spent in <paramref name="work"/> (robust to other load on the machine).</summary>
    private static double Cpu(Action work)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        work();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds;
    }

    private static List<string> ReadColumn(string path, string column)
    {
        var values = new List<string>();
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions { Separator = ',' });
        var index = reader.GetFieldIndex(column);
        while (reader.Read()) values.Add(reader.GetString(index));
        return values;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
