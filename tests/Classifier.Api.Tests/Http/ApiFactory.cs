using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Classifier.Api.Tests.Http;

/// <summary>The real service in the framework's test host, on a private copy of the shipped model.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly TempDir _folder = new();

    public ApiFactory()
    {
        ModelPath = _folder.File("stance.zip");
        File.Copy(TestFiles.StanceModel, ModelPath);
        File.Copy(Path.ChangeExtension(TestFiles.StanceModel, ".card.json"), _folder.File("stance.card.json"));
    }

    public string ModelPath { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Classifier:ModelPath", ModelPath);
        // Reloads are driven by the tests (StanceClassifier.Reload) rather than by file events.
        builder.UseSetting("Classifier:WatchForChanges", "false");
        builder.UseSetting("Classifier:MaxBatchSize", "256");
        builder.UseSetting("Classifier:MaxTextLength", "100000");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
