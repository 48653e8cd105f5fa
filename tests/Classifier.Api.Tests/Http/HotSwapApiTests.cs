using System.Net.Http.Json;
using System.Text.Json;
using Classifier.Core.Prediction;
using Microsoft.Extensions.DependencyInjection;

namespace Classifier.Api.Tests.Http;

/// <summary>Its own service instance, because it breaks and mends that instance's model file.</summary>
public sealed class HotSwapApiTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly ApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task a_broken_model_file_keeps_the_service_answering_and_health_says_why()
    {
        using var client = _factory.CreateClient();
        var classifier = _factory.Services.GetRequiredService<StanceClassifier>();
        var before = await client.PostAsJsonAsync("/classify", new { text = "Encryption protects dissidents." });

        TestFiles.ReplaceAtomically(_factory.ModelPath, "garbage"u8.ToArray());
        Assert.False(classifier.Reload());

        var health = await client.GetFromJsonAsync<HealthResponse>("/health", Web);
        Assert.Equal("degraded", health!.Status);
        Assert.StartsWith(Path.GetFileName(_factory.ModelPath) + ":", health.LastReloadError);
        Assert.DoesNotContain(Path.GetDirectoryName(_factory.ModelPath)!, health.LastReloadError);
        Assert.Equal(1, health.Model.Generation);

        var after = await client.PostAsJsonAsync("/classify", new { text = "Encryption protects dissidents." });
        Assert.Equal(await before.Content.ReadAsStringAsync(), await after.Content.ReadAsStringAsync());
    }
}
