using Classifier.Core;

namespace Classifier.Api;

/// <summary>
/// Finds a relative model path whether the service runs from the repository root
/// (<c>dotnet run --project src/Classifier.Api</c>), from its project folder, or from its build output.
/// </summary>
public static class ModelPathResolver
{
    private const string RepositoryMarker = "Classifier.sln";

    public static string Resolve(string configured, string contentRoot)
    {
        if (Path.IsPathRooted(configured)) return configured;
        var candidates = Candidates(configured, contentRoot).Distinct(StringComparer.Ordinal).ToArray();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw ClassifierException.Model($"{configured}: model file not found (looked in {string.Join(", ", candidates.Select(Path.GetDirectoryName))}).");
    }

    private static IEnumerable<string> Candidates(string relative, string contentRoot)
    {
        yield return Path.GetFullPath(relative);
        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            // Walk up to the repository root (the folder with the solution), and no further.
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                yield return Path.Combine(dir.FullName, relative);
                if (File.Exists(Path.Combine(dir.FullName, RepositoryMarker))) break;
            }
        }
    }
}
