namespace Classifier.Onnx.Tests;

/// <summary>Paths of the shipped files, found from the test binaries upward (tests run from bin/...).</summary>
internal static class RepoFiles
{
    public static string Model => Repo.File("models", "stance.zip");
    public static string TestCsv => Repo.File("data", "stance-test.csv");
}
