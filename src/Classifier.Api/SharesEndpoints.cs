using System.Text.Json.Serialization;
using Classifier.Core;
using Classifier.Core.Prediction;
using Classifier.Core.Quantification;
using Microsoft.Extensions.Options;

namespace Classifier.Api;

/// <summary>Body of <c>POST /shares</c>: the texts, and optionally how to estimate.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SharesRequest(IReadOnlyList<string?>? Texts)
{
    /// <summary><c>pacc</c> (default) or <c>acc</c>.</summary>
    public string? Method { get; init; }

    /// <summary>Coverage of the intervals, 0-1 exclusive (0.95 by default).</summary>
    public double? Confidence { get; init; }

    /// <summary>The bootstrap's seed; the same seed and texts give the same intervals.</summary>
    public int? Seed { get; init; }

    /// <summary>Bootstrap replicates (1,000 by default, at most Classifier:MaxShareReplicates).</summary>
    public int? Replicates { get; init; }
}

/// <summary>One label's shares: classify-and-count, the corrected share and its interval (null when there are too few texts).</summary>
public sealed record LabelShareResponse(string Label, double? CcShare, double? Share, double? CiLow, double? CiHigh);

/// <summary>The shares of the request's texts, with how they were estimated.</summary>
public sealed record SharesResponse(
    long N, string Method, double Confidence, int Replicates, int Seed, string ErrorRates, IReadOnlyList<LabelShareResponse> Shares, string? Note);

/// <summary>Maps <c>POST /shares</c>.</summary>
public static class SharesEndpoints
{
    public static IEndpointRouteBuilder MapSharesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/shares", Shares)
            .WithName("Shares")
            .WithSummary("Label shares of up to Classifier:MaxShareTexts texts (10,000 by default): classify-and-count and the corrected share with a bootstrap interval.")
            .Accepts<SharesRequest>("application/json")
            .Produces<SharesResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status501NotImplemented);
        return app;
    }

    private static async Task<IResult> Shares(HttpRequest request, StanceClassifier classifier, IOptions<ClassifierApiOptions> options, CancellationToken cancel)
    {
        var (body, problem) = await JsonBody.ReadAsync<SharesRequest>(request, cancel);
        if (problem is not null) return problem;
        var limits = options.Value;
        if (body!.Texts is not { } texts) return Problems.BadRequest("'texts' is missing; send {\"texts\": [\"...\", ...]}.");
        if (texts.Count > limits.MaxShareTexts)
            return Problems.TooLarge($"'texts' has {texts.Count} items; the limit is {limits.MaxShareTexts} per request.");
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null) return Problems.BadRequest($"'texts[{i}]' is missing; send a string.");
            if (string.IsNullOrWhiteSpace(texts[i])) return Problems.BadRequest($"'texts[{i}]' is empty.");
            if (texts[i]!.Length > limits.MaxTextLength)
                return Problems.BadRequest($"'texts[{i}]' has {texts[i]!.Length:N0} characters; the limit is {limits.MaxTextLength:N0}.");
        }
        var method = body.Method?.ToLowerInvariant() switch
        {
            null or "pacc" => ShareMethod.Pacc,
            "acc" => ShareMethod.Acc,
            _ => (ShareMethod?)null,
        };
        if (method is null) return Problems.BadRequest($"'method' is '{body.Method}'; use 'pacc' or 'acc'.");
        if (body.Replicates is { } r && r > limits.MaxShareReplicates)
            return Problems.BadRequest($"'replicates' is {r}; the limit is {limits.MaxShareReplicates}.");

        var defaults = new ShareOptions();
        var shareOptions = defaults with
        {
            Method = method.Value,
            Confidence = body.Confidence ?? defaults.Confidence,
            Seed = body.Seed ?? defaults.Seed,
            Replicates = body.Replicates ?? defaults.Replicates,
        };
        if (!(shareOptions.Confidence > 0 && shareOptions.Confidence < 1))
            return Problems.BadRequest($"'confidence' is {shareOptions.Confidence}; it must be between 0 and 1, exclusive.");
        if (shareOptions.Replicates < 2) return Problems.BadRequest($"'replicates' is {shareOptions.Replicates}; it must be at least 2.");

        ShareResults results;
        try
        {
            results = classifier.EstimateShares(texts!, shareOptions);
        }
        catch (ClassifierException e) when (e.Kind == FailureKind.BadModel)
        {
            return Results.Problem($"shares are not available for this model: {e.Message}", statusCode: StatusCodes.Status501NotImplemented);
        }
        var overall = results.Overall;
        return Results.Ok(new SharesResponse(overall.N, results.Method, results.Confidence, results.Replicates, results.Seed, results.ErrorRates,
            overall.Labels.Select(l => new LabelShareResponse(l.Label, l.CcShare, l.Share, l.CiLow, l.CiHigh)).ToArray(),
            overall.Note.Length == 0 ? null : overall.Note));
    }
}
