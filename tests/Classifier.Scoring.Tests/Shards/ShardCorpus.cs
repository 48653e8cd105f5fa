using System.Diagnostics;
using System.Text;
using CsvHelper;

namespace Classifier.Scoring.Tests.Shards;

/// <summary>Generated corpora for the shard tests, and the real program run as a process.</summary>
internal static class ShardCorpus
{
    private static readonly Lazy<string[]> Texts = new(() =>
    {
        using var reader = CsvReader.Create(File.ReadAllBytes(Repo.File("data", "stance-test.csv")), new CsvReaderOptions { Separator = ',' });
        var index = reader.Headers.ToList().IndexOf("text");
        var texts = new List<string>();
        while (reader.Read()) texts.Add(reader.GetString(index));
        return [.. texts];
    });

    /// <summary>
    /// Writes <paramref name="rows"/> rows (id,text,source): texts of stance-test.csv, every 5th with a
    /// quoted line break, every 40th empty, commas and quotes in cells, and every
    /// <paramref name="malformedEvery"/>th record malformed (0 for none). <paramref name="dated"/> adds a
    /// column <c>published</c>: dates over about 14 months, every 53rd empty and every 131st not a date.
    /// </summary>
    public static string Write(string path, int rows, int seed, int malformedEvery = 0, bool dated = false)
    {
        var random = new Random(seed);
        var texts = Texts.Value;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(dated ? "id,text,source,published" : "id,text,source");
        for (var i = 0; i < rows; i++)
        {
            if (malformedEvery > 0 && i % malformedEvery == malformedEvery - 1)
            {
                writer.WriteLine($"{i},\"broken\" quote,x");
                continue;
            }
            var text = texts[random.Next(texts.Length)];
            if (i % 5 == 0) text += "\n" + texts[random.Next(texts.Length)];
            if (i % 40 == 0) text = "";
            var published = !dated ? "" : i % 53 == 7 ? "," : i % 131 == 9 ? ",soon" : "," + new DateOnly(2019, 1, 1).AddDays(i * 37 % 430).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            writer.WriteLine($"{i},\"{text.Replace("\"", "\"\"")}\",\"src, {i % 7}\"{published}");
        }
        return path;
    }

    /// <summary>The scoring program's entry assembly, copied beside the tests.</summary>
    public static string Program => Path.Combine(AppContext.BaseDirectory, "classifier-score.dll");

    /// <summary>Starts the real program (dotnet classifier-score.dll ...) with extra environment variables.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Program);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The scheduler variables of the machine running the tests must not leak in.
        foreach (var name in new[] { "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT", "AWS_BATCH_JOB_ARRAY_INDEX" })
            start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return System.Diagnostics.Process.Start(start)!;
    }

    /// <summary>Runs the real program to the end; returns the exit code and standard error.</summary>
    public static (int Code, string Stderr) Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(environment, args);
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, stderr.Result);
    }
}
