using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Classifier.Core.Prediction;
using Microsoft.Extensions.DependencyInjection;

namespace Classifier.Api.Tests.Http;

public sealed class ClassifyApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private StanceClassifier Classifier => factory.Services.GetRequiredService<StanceClassifier>();

    [Fact]
    public async Task classify_returns_the_librarys_label_confidence_and_probabilities()
    {
        using var client = factory.CreateClient();
        const string text = "Investigators need a warrant-based way into encrypted chats to stop child abuse.";

        var response = await client.PostAsJsonAsync("/classify", new { text });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<ClassifyResponse>(Web);
        var expected = Classifier.Predict(text);
        Assert.Equal(expected.Label, body!.Label);
        Assert.Equal(expected.Confidence, body.Confidence);
        Assert.Equal(expected.Probabilities.OrderBy(kv => kv.Key), body.Probabilities.OrderBy(kv => kv.Key));
        Assert.Null(body.Explanation);
    }

    [Fact]
    public async Task batch_returns_one_prediction_per_text_in_request_order()
    {
        using var client = factory.CreateClient();
        var texts = TestFiles.TestSentences.Take(40).ToArray();

        var response = await client.PostAsJsonAsync("/classify/batch", new { texts });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<ClassifyBatchResponse>(Web);
        Assert.Equal(texts.Length, body!.Predictions.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = Classifier.Predict(texts[i]);
            Assert.Equal(expected.Label, body.Predictions[i].Label);
            Assert.Equal(expected.Confidence, body.Predictions[i].Confidence);
        }
    }

    [Fact]
    public async Task concurrent_requests_each_get_their_own_texts_answer()
    {
        using var client = factory.CreateClient();
        var texts = TestFiles.TestSentences.Take(300).ToArray();

        var answers = await Task.WhenAll(texts.Select(async text =>
        {
            var response = await client.PostAsJsonAsync("/classify", new { text });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<ClassifyResponse>(Web))!;
        }));

        for (var i = 0; i < texts.Length; i++)
        {
            var expected = Classifier.Predict(texts[i]);
            Assert.Equal(expected.Label, answers[i].Label);
            Assert.Equal(expected.Confidence, answers[i].Confidence);
        }
    }

    [Theory]
    [InlineData("{}", "'text' is missing")]
    [InlineData("{\"text\": null}", "'text' is missing")]
    [InlineData("{\"text\": \"   \"}", "'text' is empty")]
    [InlineData("{\"text\": 42}", "not valid JSON for this endpoint")]
    [InlineData("{\"txt\": \"hello\"}", "not valid JSON for this endpoint")]
    [InlineData("{\"text\": \"unterminated", "not valid JSON for this endpoint")]
    [InlineData("", "not valid JSON for this endpoint")]
    [InlineData("null", "JSON null")]
    [InlineData("[\"a\"]", "not valid JSON for this endpoint")]
    public async Task bad_classify_bodies_get_a_400_problem_saying_what_is_wrong(string body, string detail)
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/classify", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblem(response, HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task a_text_over_the_size_limit_is_a_400()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/classify", new { text = new string('a', 100_001) });

        await AssertProblem(response, HttpStatusCode.BadRequest, "100,001 characters; the limit is 100,000");
    }

    [Fact]
    public async Task a_text_at_the_size_limit_is_classified()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/classify", new { text = string.Concat(Enumerable.Repeat("encryption ", 9_091))[..100_000] });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_415()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/classify", new StringContent("text=hello", Encoding.UTF8, "application/x-www-form-urlencoded"));

        // Refused by routing (the endpoints declare they accept JSON) before the handler runs, with a detail that says what to send.
        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, detail: "application/json");
    }

    [Fact]
    public async Task a_batch_over_the_limit_is_a_413()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/classify/batch", new { texts = Enumerable.Repeat("hello", 257) });

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "257 items; the limit is 256");
    }

    [Fact]
    public async Task a_batch_at_the_limit_is_classified()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/classify/batch", new { texts = TestFiles.TestSentences.Take(256) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(256, (await response.Content.ReadFromJsonAsync<ClassifyBatchResponse>(Web))!.Predictions.Count);
    }

    [Theory]
    [InlineData("{}", "'texts' is missing")]
    [InlineData("{\"texts\": \"one\"}", "not valid JSON for this endpoint")]
    [InlineData("{\"texts\": [\"fine\", null]}", "'texts[1]' is missing")]
    [InlineData("{\"texts\": [\"fine\", \"\"]}", "'texts[1]' is empty")]
    public async Task bad_batch_bodies_get_a_400_problem_naming_the_item(string body, string detail)
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/classify/batch", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblem(response, HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task an_oversized_text_inside_a_batch_is_a_400_naming_it()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/classify/batch", new { texts = new[] { "ok", new string('b', 100_001) } });

        await AssertProblem(response, HttpStatusCode.BadRequest, "'texts[1]' has 100,001 characters");
    }

    [Fact]
    public async Task an_empty_batch_returns_no_predictions()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/classify/batch", new { texts = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<ClassifyBatchResponse>(Web))!.Predictions);
    }

    [Fact]
    public async Task explain_true_returns_the_words_that_pushed_toward_each_label()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/classify?explain=true",
            new { text = "Police need lawful access to encrypted messages with a warrant." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var explanation = json.RootElement.GetProperty("explanation");
        var labels = explanation.GetProperty("labels").EnumerateArray().ToArray();
        Assert.Equal(3, labels.Length);
        var predicted = json.RootElement.GetProperty("label").GetString();
        Assert.Equal(predicted, explanation.GetProperty("predictedLabel").GetString());
        var toward = labels.Single(l => l.GetProperty("label").GetString() == predicted).GetProperty("toward").EnumerateArray().ToArray();
        Assert.NotEmpty(toward);
        var pushes = toward.Select(c => c.GetProperty("push").GetDouble()).ToArray();
        Assert.All(pushes, p => Assert.True(p > 0));
        Assert.Equal(pushes.OrderByDescending(p => p), pushes);
    }

    [Fact]
    public async Task explain_with_a_bad_value_is_a_400()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/classify?explain=perhaps", new { text = "hello" });

        await AssertProblem(response, HttpStatusCode.BadRequest, "\"perhaps\"");
    }

    [Fact]
    public async Task health_reports_the_model_its_labels_its_card_and_the_limits()
    {
        using var client = factory.CreateClient();

        var health = await client.GetFromJsonAsync<HealthResponse>("/health", Web);

        Assert.Equal("ok", health!.Status);
        // The file name only: the folder is nobody's business outside the host.
        Assert.Equal(Path.GetFileName(factory.ModelPath), health.Model.File);
        Assert.Equal(["neutral", "pro-access", "pro-privacy"], health.Model.Labels.Order());
        Assert.NotNull(health.Card);
        Assert.Equal(Classifier.Card!.Trainer, health.Card!.Trainer);
        Assert.Equal(256, health.Limits.MaxBatchSize);
        Assert.Null(health.LastReloadError);
    }

    [Fact]
    public async Task openapi_describes_the_three_endpoints()
    {
        using var client = factory.CreateClient();

        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/classify", out _));
        Assert.True(paths.TryGetProperty("/classify/batch", out _));
        Assert.True(paths.TryGetProperty("/health", out _));
    }

    [Fact]
    public async Task unknown_routes_and_methods_get_problem_details_not_500()
    {
        using var client = factory.CreateClient();

        var missing = await client.GetAsync("/nope");
        var wrongMethod = await client.GetAsync("/classify");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }

    internal static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        if (detail is not null) Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString());
    }
}
