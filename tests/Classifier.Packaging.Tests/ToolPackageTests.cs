using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;
using Classifier.Core.Prediction;

namespace Classifier.Packaging.Tests;

/// <summary>
/// Packs classifier-score from this build into a folder feed, installs it with <c>dotnet tool install
/// --tool-path</c> and scores a CSV with the installed command, as a user of the package would.
/// </summary>
public sealed class ToolPackageTests : IClassFixture<ToolPackageTests.InstalledTool>
{
    private static readonly string[] Texts =
    [
        "Backdoors weaken security for everyone.",
        "Police need access to encrypted phones to solve crimes.",
        "The committee meets on Tuesday to discuss the encryption bill.",
    ];

    private readonly InstalledTool _tool;

    public ToolPackageTests(InstalledTool tool) => _tool = tool;

    [Fact]
    public void the_installed_classifier_score_scores_a_csv_as_the_library_does()
    {
        using var temp = new TempDir();
        var input = temp.Write("corpus.csv", "id,text\n" + string.Join("\n", Texts.Select((t, i) => $"{i + 1},\"{t}\"")) + "\n");
        var output = temp.File("scored.csv");

        var run = Run(_tool.Command, ["--model", Repo.File("models", "stance.zip"), "--input", input, "--output", output, "--quiet"], Repo.Root);

        Assert.True(run.ExitCode == 0, $"classifier-score exited {run.ExitCode}:\n{run.Output}");
        var lines = File.ReadAllLines(output);
        Assert.Equal(Texts.Length + 1, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(["id", "text", "predicted_label", "confidence"], header[..4]);

        using var classifier = StanceClassifier.Load(Repo.File("models", "stance.zip"));
        for (var i = 0; i < Texts.Length; i++)
        {
            var expected = classifier.Predict(Texts[i]);
            var cells = lines[i + 1].Split(',');
            Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), cells[0]);
            var label = cells[^(classifier.Labels.Count + 2)];
            var confidence = float.Parse(cells[^(classifier.Labels.Count + 1)], CultureInfo.InvariantCulture);
            Assert.Equal(expected.Label, label);
            Assert.Equal(expected.Confidence, confidence, 1e-5f);
        }
    }

    [Fact]
    public void the_installed_tool_reports_a_missing_model_in_one_line_with_exit_code_4()
    {
        using var temp = new TempDir();
        var input = temp.Write("corpus.csv", "text\nhello\n");
        var output = temp.File("scored.csv");

        var run = Run(_tool.Command, ["--model", temp.File("missing.zip"), "--input", input, "--output", output], Repo.Root);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("missing.zip: model file not found.", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void the_tool_package_carries_its_id_version_license_readme_and_command()
    {
        using var zip = ZipFile.OpenRead(_tool.Package);
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

        Assert.Equal("classifier-score", Field("id"));
        Assert.Equal(InstalledTool.Version, Field("version"));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Equal("The Classifier authors", Field("authors"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        Assert.Contains(metadata.Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
        var settings = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal)).Open());
        Assert.Equal("classifier-score", (string?)settings.Descendants("Command").Single().Attribute("Name"));
    }

    /// <summary>classifier-score packed once and installed once for the class (packing takes tens of seconds).</summary>
    public sealed class InstalledTool : IDisposable
    {
        public static string Version { get; } = Metadata("PackageVersion");

        private readonly TempDir _temp = new();

        public InstalledTool()
        {
            var feed = _temp.NewFolder();
            var tools = _temp.NewFolder();
            var project = Repo.File("src", "Classifier.Scoring", "Classifier.Scoring.csproj");

            // --no-build: pack what the solution build made; building again here would race the other test projects.
            var pack = Run(Dotnet, ["pack", project, "-c", Metadata("Configuration"), "--no-build", "-o", feed, "-v", "q", "-nologo"], Repo.Root);
            if (pack.ExitCode != 0) throw new InvalidOperationException($"dotnet pack failed ({pack.ExitCode}):\n{pack.Output}");
            Package = Path.Combine(feed, $"classifier-score.{Version}.nupkg");
            if (!File.Exists(Package)) throw new InvalidOperationException($"dotnet pack did not write {Package}:\n{pack.Output}");

            // The feed adds to the machine's sources (the local registry copy), as the build restores.
            // A private packages folder keeps an earlier package of the same version out of the install.
            var install = Run(Dotnet, ["tool", "install", "classifier-score", "--add-source", feed, "--tool-path", tools, "--version", Version],
                _temp.Path, ("NUGET_PACKAGES", _temp.NewFolder()));
            if (install.ExitCode != 0) throw new InvalidOperationException($"dotnet tool install failed ({install.ExitCode}):\n{install.Output}");
            Command = Path.Combine(tools, OperatingSystem.IsWindows() ? "classifier-score.exe" : "classifier-score");
            if (!File.Exists(Command)) throw new InvalidOperationException($"dotnet tool install did not create {Command}:\n{install.Output}");
        }

        /// <summary>The packed .nupkg in the folder feed.</summary>
        public string Package { get; }

        /// <summary>The installed command's shim in the tool path.</summary>
        public string Command { get; }

        public void Dispose() => _temp.Dispose();

        private static string Metadata(string key) =>
            typeof(InstalledTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
    }

    /// <summary>The dotnet that runs the tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private sealed record Result(int ExitCode, string Output);

    private static Result Run(string file, string[] args, string workingDirectory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The tool's shim finds the runtime through DOTNET_ROOT when dotnet is not installed system-wide.
        if (Path.IsPathRooted(Dotnet)) start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 5 minutes.");
        }
        return new Result(process.ExitCode, stdout.Result + stderr.Result);
    }
}
