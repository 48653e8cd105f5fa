using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Classifier.Faults.Tests.Support;

namespace Classifier.Faults.Tests.Crashes;

/// <summary>Reproductions 6 and 7: a bogus charset is a 415, not a 500; explain work is capped and a request's work stops at its budget.</summary>
public sealed class ServiceRequestTests
{
    internal static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task a_bogus_charset_is_a_415_that_says_to_send_utf8_not_a_500()
    {
        using var factory = new ServiceFactory();
        using var client = factory.CreateClient();
        var content = new ByteArrayContent("{\"text\":\"hello\"}"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");

        var problem = await Problem(await client.PostAsync("/classify", content), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("UTF-8", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task explain_over_the_character_cap_is_a_413_before_any_work()
    {
        using var factory = new ServiceFactory();
        using var client = factory.CreateClient();
        var texts = Enumerable.Repeat(new string('a', 100_000), 256).ToArray();

        var response = await client.PostAsJsonAsync("/classify/batch?explain=true", new { texts });

        var problem = await Problem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("explain=true covers at most 20,000 characters", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_batch_past_its_time_budget_is_stopped_with_a_504()
    {
        using var factory = new ServiceFactory(new Dictionary<string, string> { ["Classifier:RequestTimeoutSeconds"] = "1" });
        using var client = factory.CreateClient();
        // About 25 million characters: several seconds of scoring, checked between slices of 32 texts.
        var words = string.Concat(Enumerable.Repeat("encryption police warrant privacy ", 3_000))[..100_000];
        var texts = Enumerable.Repeat(words, 256).ToArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var response = await client.PostAsJsonAsync("/classify/batch", new { texts });

        Assert.True(response.StatusCode == HttpStatusCode.GatewayTimeout, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }
}
