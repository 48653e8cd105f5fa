using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Classifier.Faults.Tests.Support;

/// <summary>The real service in the framework's test host on a private copy of the shipped model, with extra settings.</summary>
public sealed class ServiceFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    private readonly TempDir _folder = new();

    public string ModelPath { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ModelPath = _folder.File("stance.zip");
        if (!File.Exists(ModelPath))
        {
            File.Copy(Commands.ShippedModel, ModelPath);
            File.Copy(Path.ChangeExtension(Commands.ShippedModel, ".card.json"), _folder.File("stance.card.json"));
        }
        builder.UseSetting("Classifier:ModelPath", ModelPath);
        builder.UseSetting("Classifier:WatchForChanges", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
