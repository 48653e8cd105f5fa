using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Classifier.Api.Tests.Http;
using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Features;
using Classifier.Core.Prediction;
using Classifier.Core.Quantification;
using Classifier.Core.Training;
using Classifier.Training;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Classifier.Api.Tests.Shares;

/// <summary>The service on a word n-gram model trained for these tests, whose card has the quantification statistics.</summary>
public sealed class SharesApiFactory : WebApplicationFactory<Program>
{
    private readonly TempDir _dir = new();

    public SharesApiFactory()
    {
        ModelPath = _dir.File("words.zip");
        TrainingJob.Run(new TrainingJobOptions
        {
            DataPath = Repo.File("data", "stance.csv"),
            TestPath = null,
            OodPath = null,
            DevPath = null,
            ModelPath = ModelPath,
            // Three folds: the card's statistics need cross-validation, the tests do not need five folds of it.
            Training = new TrainingOptions { Features = FeatureOptions.Default with { CharNgramLengths = [] }, Folds = 3 },
        }, TextWriter.Null);
    }

    public string ModelPath { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Classifier:ModelPath", ModelPath);
        builder.UseSetting("Classifier:WatchForChanges", "false");
        builder.UseSetting("Classifier:MaxShareTexts", "600");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }
}

public sealed class SharesApiTests(SharesApiFactory factory) : IClassFixture<SharesApiFactory>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private StanceClassifier Classifier => factory.Services.GetRequiredService<StanceClassifier>();

    [Fact]
    public async Task shares_answers_the_librarys_numbers_for_the_texts()
    {
        using var client = factory.CreateClient();
        var texts = TestFiles.TestSentences.ToArray();

        var response = await client.PostAsJsonAsync("/shares", new { texts, seed = 11 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<SharesResponse>(Web))!;
        var expected = Classifier.EstimateShares(texts, new ShareOptions { Seed = 11 });
        Assert.Equal(texts.Length, body.N);
        Assert.Equal("pacc", body.Method);
        Assert.Equal(0.95, body.Confidence);
        Assert.Contains("cross-validation out-of-fold", body.ErrorRates);
        Assert.Equal(expected.Overall.Labels.Select(l => (l.Label, l.CcShare, l.Share, l.CiLow, l.CiHigh)),
            body.Shares.Select(l => (l.Label, l.CcShare, l.Share, l.CiLow, l.CiHigh)));
        Assert.Null(body.Note);
    }

    [Fact]
    public async Task too_few_texts_get_a_note_and_no_numbers()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/shares", new { texts = TestFiles.TestSentences.Take(5).ToArray(), method = "acc" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<SharesResponse>(Web))!;
        Assert.Equal("acc", body.Method);
        Assert.All(body.Shares, s => Assert.True(s.Share is null && s.CiLow is null && s.CcShare is null));
        Assert.Contains("fewer than 30", body.Note);
    }

    [Theory]
    [InlineData("{\"texts\": null}", 400, "'texts' is missing")]
    [InlineData("{\"texts\": [\"a\", \"\"]}", 400, "'texts[1]' is empty")]
    [InlineData("{\"texts\": [\"a\"], \"method\": \"median\"}", 400, "use 'pacc' or 'acc'")]
    [InlineData("{\"texts\": [\"a\"], \"confidence\": 1}", 400, "'confidence' is 1")]
    [InlineData("{\"texts\": [\"a\"], \"replicates\": 20000}", 400, "the limit is 10000")]
    [InlineData("{\"text\": \"a\"}", 400, "not valid JSON for this endpoint")]
    public async Task bad_requests_say_what_is_wrong(string json, int status, string message)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/shares", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task more_texts_than_the_limit_is_413()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/shares", new { texts = Enumerable.Repeat("Backdoors weaken everyone.", 601).ToArray() });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("the limit is 600", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void error_rates_measured_on_labeled_rows_replace_the_cards()
    {
        var labeled = LabeledCsv.Read(Path.Combine(TestFiles.RepoRoot, "data", "stance-ood.csv")).Rows.Select(r => (r.Text, r.Label)).ToArray();
        var rates = Classifier.MeasureErrorRates(labeled);
        Assert.Equal(labeled.Length, rates.RowsPerLabel.Sum());
        var withCard = Classifier.EstimateShares(TestFiles.TestSentences);
        var withSample = Classifier.EstimateShares(TestFiles.TestSentences, new ShareOptions { ErrorRates = rates });
        Assert.Contains("389 labeled rows", withSample.ErrorRates);
        // Classify and count is the same; the correction is not.
        Assert.Equal(withCard.Overall.Labels.Select(l => l.CcShare), withSample.Overall.Labels.Select(l => l.CcShare));
        Assert.NotEqual(withCard.Overall.Labels.Select(l => l.Share), withSample.Overall.Labels.Select(l => l.Share));

        var e = Assert.Throws<ClassifierException>(() => Classifier.MeasureErrorRates([("Backdoors weaken everyone.", "pro-privacy")]));
        Assert.Contains("none labeled 'neutral', 'pro-access'", e.Message);
    }
}

public sealed class SharesWithoutStatisticsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task a_model_whose_card_has_no_statistics_answers_501_saying_to_retrain()
    {
        var classifier = factory.Services.GetRequiredService<StanceClassifier>();
        if (classifier.Card?.Quantification is not null) return; // the shipped model has been retrained since
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/shares", new { texts = TestFiles.TestSentences.Take(50).ToArray() });
        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("retrain", await response.Content.ReadAsStringAsync());
    }
}
