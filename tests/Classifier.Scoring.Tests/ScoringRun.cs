using System.Text;
using Classifier.Core.Scoring;
using CsvHelper;

namespace Classifier.Scoring.Tests;

/// <summary>Runs the real program in-process, in a scratch folder, with the shipped model.</summary>
public sealed class ScoringRun : IDisposable
{
    private readonly TempDir _folder = new();

    public static string RepoRoot => Repo.Root;

    public static string ShippedModel => Path.Combine(RepoRoot, "models", "stance.zip");

    public string Folder => _folder.Path;

    public string Stdout { get; private set; } = "";

    public string Stderr { get; private set; } = "";

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string Write(string name, string content)
    {
        var path = PathOf(name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Runs with the shipped model unless the arguments name one.</summary>
    public int RunWithStandardInput(string? stdin, params string[] args) =>
        RunAsGiven(stdin, args.Contains("--model") ? args : [.. args, "--model", ShippedModel]);

    /// <summary>Runs with exactly these arguments (a subcommand such as merge takes no --model).</summary>
    public int RunAsGiven(string? stdin, params string[] all)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(all, stdout, stderr, stdin is null ? new StringReader("") : new StringReader(stdin));
        Stdout = stdout.ToString();
        Stderr = stderr.ToString();
        return code;
    }

    public int Run(params string[] args) => RunWithStandardInput(null, args);

    /// <summary>Files left in the folder other than the inputs the test wrote (temporary files included).</summary>
    public string[] Files() => [.. Directory.GetFiles(Folder).Select(Path.GetFileName).Order()!];

    public static (string[] Header, List<string[]> Rows) ReadCsv(string pathOrText, bool isText = false)
    {
        var bytes = isText ? Encoding.UTF8.GetBytes(pathOrText) : File.ReadAllBytes(pathOrText);
        using var reader = CsvReader.Create(bytes, new CsvReaderOptions { Separator = ',', MalformedData = CsvMalformedDataHandling.Throw, FieldCountMismatch = CsvFieldCountHandling.Throw });
        var header = reader.Headers.ToArray();
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        return (header, rows);
    }

    public void Dispose() => _folder.Dispose();

}
