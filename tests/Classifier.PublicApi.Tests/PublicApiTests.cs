using System.Reflection;
using PublicApiGenerator;

namespace Classifier.PublicApi.Tests;

/// <summary>
/// Every library's public surface is approved in api/NAME.approved.txt, so a change to it shows up as a
/// diff in review. After a deliberate change run the tests with ACCEPT_API=1 to rewrite the files
/// (docs/public-api.md), then commit them with the change.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Libraries => new()
    {
        "Classifier.Core",
        "Classifier.Embeddings",
        "Classifier.Onnx",
        "Classifier.Reports",
        "Classifier.Cli",
    };

    // Assembly-level facts that are not API: who may see internals, and build metadata.
    private static readonly ApiGeneratorOptions Options = new()
    {
        ExcludeAttributes =
        [
            "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
            "System.Reflection.AssemblyMetadataAttribute",
            "System.Runtime.Versioning.TargetFrameworkAttribute",
        ],
    };

    [Theory]
    [MemberData(nameof(Libraries))]
    public void the_public_api_matches_the_approved_file(string library)
    {
        var actual = Normalize(Load(library).GeneratePublicApi(Options));
        var approvedPath = Repo.File("tests", "Classifier.PublicApi.Tests", "api", library + ".approved.txt");

        if (Environment.GetEnvironmentVariable("ACCEPT_API") == "1")
        {
            File.WriteAllText(approvedPath, actual);
            return;
        }

        Assert.True(File.Exists(approvedPath),
            $"{approvedPath} is missing. Run 'ACCEPT_API=1 dotnet test tests/Classifier.PublicApi.Tests -c Release' to write it (docs/public-api.md).");
        var approved = Normalize(File.ReadAllText(approvedPath));
        if (approved == actual) return;

        Assert.Fail(
            $"The public API of {library} changed; the first difference is at line {FirstDifference(approved, actual)}:\n" +
            Diff(approved, actual) +
            $"\nIf the change is deliberate, document the new members and run " +
            $"'ACCEPT_API=1 dotnet test tests/Classifier.PublicApi.Tests -c Release', then commit {Path.GetRelativePath(Repo.Root, approvedPath)} (docs/public-api.md).");
    }

    [Fact]
    public void the_cli_library_has_no_public_api()
    {
        // Classifier.Cli is the programs' shared plumbing (console tables, the error guard), not a package.
        Assert.Empty(Load("Classifier.Cli").GetExportedTypes());
    }

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";

    private static int FirstDifference(string approved, string actual)
    {
        var a = approved.Split('\n');
        var b = actual.Split('\n');
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return i + 1;
    }

    /// <summary>Lines only in the approved file (-) and only in the current API (+), in order.</summary>
    private static string Diff(string approved, string actual)
    {
        var a = approved.Split('\n');
        var b = actual.Split('\n');
        var onlyApproved = a.Except(b).Select(l => "- " + l);
        var onlyActual = b.Except(a).Select(l => "+ " + l);
        var lines = onlyApproved.Concat(onlyActual).ToList();
        const int shown = 40;
        return string.Join("\n", lines.Take(shown)) + (lines.Count > shown ? $"\n... and {lines.Count - shown} more lines" : "");
    }
}
