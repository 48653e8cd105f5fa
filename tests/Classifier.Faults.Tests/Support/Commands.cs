using System.Diagnostics;
using System.Text;
using Classifier.Tests.Support;

namespace Classifier.Faults.Tests.Support;

/// <summary>The three programs run in-process (fast), with their output captured.</summary>
public sealed class Commands : IDisposable
{
    private readonly TempDir _dir = new();

    public static string ShippedModel => Repo.File("models", "stance.zip");

    public string Folder => _dir.Path;

    public string Stdout { get; private set; } = "";

    public string Stderr { get; private set; } = "";

    public string PathOf(string name) => _dir.File(name);

    public string Write(string name, string content)
    {
        var path = PathOf(name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    /// <summary>The small labeled set the training tests use (72 rows).</summary>
    public string TrainingCsv(string name = "train.csv") => Write(name, Fixtures.Csv(Fixtures.Rows()));

    public int Score(params string[] args) => ScoreWithInput(null, args);

    public int ScoreWithInput(string? stdin, params string[] args)
    {
        var all = args.Contains("--model") ? args : [.. args, "--model", ShippedModel];
        return Capture((o, e) => Classifier.Scoring.Program.Run(all, o, e, new StringReader(stdin ?? "")));
    }

    public int Train(params string[] args) => Capture((o, e) => Classifier.Training.Program.Run(args, o, e));

    public int Export(params string[] args) => Capture((o, e) => Classifier.Export.Program.Run(args, o, e));

    /// <summary>Every file in the folder, temporary ones included, sorted.</summary>
    public string[] Files() => [.. Directory.GetFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public void Dispose() => _dir.Dispose();

    private int Capture(Func<TextWriter, TextWriter, int> run)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = run(stdout, stderr);
        Stdout = stdout.ToString();
        Stderr = stderr.ToString();
        return code;
    }
}

/// <summary>Starts the real, built program (<c>dotnet classifier-*.dll</c>) as its own process.</summary>
public static class RealProgram
{
    private static readonly string Configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    /// <summary>The built assembly of a program project (<c>Classifier.Scoring</c> → classifier-score.dll).</summary>
    public static string Dll(string project, string assembly) => Repo.File("src", project, "bin", Configuration, "net10.0", assembly + ".dll");

    public static string ScoreDll => Dll("Classifier.Scoring", "classifier-score");

    public static string TrainDll => Dll("Classifier.Training", "classifier-train");

    public static string ExportDll => Dll("Classifier.Export", "classifier-export");

    public static string ApiDll => Dll("Classifier.Api", "classifier-api");

    /// <summary>A started program: stdout and stderr collected, killable.</summary>
    public static Process Start(string dll, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repo.Root,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Runs a shell line (for redirections such as <c>&gt; /dev/full</c>); returns exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Shell(string line, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repo.Root };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(line);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(line);
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Single-quotes a value for bash.</summary>
    public static string Q(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
