using System.Net;
using System.Net.Http.Json;
using System.Text;
using Classifier.Api;
using Classifier.Faults.Tests.Crashes;
using Classifier.Faults.Tests.Support;

namespace Classifier.Faults.Tests.Service;

/// <summary>Reproduction 17's service half, and the service's hardening: keys, rate limits, /health, OpenAPI.</summary>
public sealed class ServiceHardeningTests
{
    [Fact]
    public async Task duplicate_json_keys_are_a_400_not_the_last_one_wins()
    {
        using var factory = new ServiceFactory();
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/classify", new StringContent("{\"text\":\"a\",\"text\":\"b\"}", Encoding.UTF8, "application/json"));

        var problem = await ServiceRequestTests.Problem(response, HttpStatusCode.BadRequest);
        Assert.Contains("appears twice", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task error_details_name_the_json_path_never_a_dotnet_type()
    {
        using var factory = new ServiceFactory();
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/classify", new StringContent("{\"text\": 42}", Encoding.UTF8, "application/json"));

        var detail = (await ServiceRequestTests.Problem(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!;
        Assert.Contains("$.text", detail);
        Assert.DoesNotContain("System.", detail);
        Assert.DoesNotContain("Classifier.", detail);
    }

    [Fact]
    public async Task a_text_plain_body_is_a_415_with_a_detail()
    {
        using var factory = new ServiceFactory();
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/classify", new StringContent("hello", Encoding.UTF8, "text/plain"));

        var problem = await ServiceRequestTests.Problem(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task with_api_keys_set_a_request_without_a_valid_key_is_a_401()
    {
        using var factory = new ServiceFactory(new Dictionary<string, string> { ["Classifier:ApiKeys:0"] = "k-one", ["Classifier:ApiKeys:1"] = "k-two" });
        using var client = factory.CreateClient();
        var body = new { text = "Encryption protects everyone." };

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/classify", body)).StatusCode);
        client.DefaultRequestHeaders.Add(ServiceHardening.ApiKeyHeader, "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/classify", body)).StatusCode);
        client.DefaultRequestHeaders.Remove(ServiceHardening.ApiKeyHeader);
        client.DefaultRequestHeaders.Add(ServiceHardening.ApiKeyHeader, "k-two");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/classify", body)).StatusCode);
    }

    [Fact]
    public async Task a_client_over_its_rate_is_a_429_with_retry_after()
    {
        using var factory = new ServiceFactory(new Dictionary<string, string> { ["Classifier:RateLimitPerSecond"] = "1", ["Classifier:RateLimitBurst"] = "2" });
        using var client = factory.CreateClient();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) codes.Add((await client.GetAsync("/health")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, codes[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        var limited = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task health_shows_the_file_name_hash_generation_and_card_status_and_no_folder()
    {
        using var factory = new ServiceFactory();
        using var client = factory.CreateClient();

        var text = await client.GetStringAsync("/health");
        var health = System.Text.Json.JsonSerializer.Deserialize<HealthResponse>(text, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

        Assert.Equal("stance.zip", health.Model.File);
        Assert.Equal(64, health.Model.Sha256.Length);
        Assert.Equal(1, health.Model.Generation);
        // The shipped card predates the hash (unverified) until the next retrain writes one (verified).
        Assert.Contains(health.Model.CardStatus, new[] { "unverified", "verified" });
        Assert.NotNull(health.Card);
        Assert.DoesNotContain(Path.GetDirectoryName(factory.ModelPath)!, text);
    }

    [Fact]
    public async Task the_openapi_document_does_not_echo_the_host_header()
    {
        using var factory = new ServiceFactory(new Dictionary<string, string> { ["Classifier:PublicUrl"] = "https://classifier.example.org" });
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";

        var document = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.DoesNotContain("evil.example", document);
        Assert.Contains("https://classifier.example.org", document);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://10.1.2.3:80", false)]
    public void only_loopback_addresses_count_as_loopback(string url, bool loopback) =>
        Assert.Equal(loopback, ServiceHardening.IsLoopback(url));
}
