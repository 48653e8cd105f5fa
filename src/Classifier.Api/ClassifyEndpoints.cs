using Classifier.Core;
using Microsoft.AspNetCore.Mvc;
using Classifier.Core.Prediction;
using Microsoft.Extensions.Options;

namespace Classifier.Api;

/// <summary>Maps <c>POST /classify</c>, <c>POST /classify/batch</c> and <c>GET /health</c>.</summary>
public static class ClassifyEndpoints
{
    public static IEndpointRouteBuilder MapClassifierEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/classify", Classify)
            .WithName("Classify")
            .WithSummary("Classifies one text's stance.")
            .Accepts<ClassifyRequest>("application/json")
            .Produces<ClassifyResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        app.MapPost("/classify/batch", ClassifyBatch)
            .WithName("ClassifyBatch")
            .WithSummary("Classifies up to Classifier:MaxBatchSize texts (256 by default) in one pass.")
            .Accepts<ClassifyBatchRequest>("application/json")
            .Produces<ClassifyBatchResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        app.MapGet("/health", Health)
            .WithName("Health")
            .WithSummary("The model in use: labels, card summary, last reload error, limits.")
            .Produces<HealthResponse>();
        return app;
    }

    private static async Task<IResult> Classify(
        HttpRequest request, StanceClassifier classifier, IOptions<ClassifierApiOptions> options,
        [FromServices] IStanceExplainer? explainer = null, bool explain = false, CancellationToken cancel = default)
    {
        if (ExplainUnavailable(explain, explainer) is { } noExplainer) return noExplainer;
        var (body, problem) = await JsonBody.ReadAsync<ClassifyRequest>(request, cancel);
        if (problem is not null) return problem;
        if (CheckText(body!.Text, "text", options.Value) is { } bad) return bad;

        var text = body.Text!;
        if (explain && ExplainTooLarge(text.Length, options.Value) is { } tooMuch) return tooMuch;
        return Explained(() => Results.Ok(Response(classifier, text, classifier.Predict(text), explain ? explainer : null)));
    }

    private static async Task<IResult> ClassifyBatch(
        HttpRequest request, StanceClassifier classifier, IOptions<ClassifierApiOptions> options,
        [FromServices] IStanceExplainer? explainer = null, bool explain = false, CancellationToken cancel = default)
    {
        if (ExplainUnavailable(explain, explainer) is { } noExplainer) return noExplainer;
        var (body, problem) = await JsonBody.ReadAsync<ClassifyBatchRequest>(request, cancel);
        if (problem is not null) return problem;

        var limits = options.Value;
        if (body!.Texts is not { } texts) return Problems.BadRequest("'texts' is missing; send {\"texts\": [\"...\", ...]}.");
        if (texts.Count > limits.MaxBatchSize)
            return Problems.TooLarge($"'texts' has {texts.Count} items; the limit is {limits.MaxBatchSize} per request.");
        for (var i = 0; i < texts.Count; i++)
            if (CheckText(texts[i], $"texts[{i}]", limits) is { } bad) return bad;

        if (explain && ExplainTooLarge(texts.Sum(t => (long)t!.Length), limits) is { } tooMuch) return tooMuch;

        // In slices, checking between them, so a client that leaves (or a request past its budget) stops the work.
        var predictions = new List<StancePrediction>(texts.Count);
        for (var start = 0; start < texts.Count; start += Slice)
        {
            cancel.ThrowIfCancellationRequested();
            predictions.AddRange(classifier.PredictBatch(texts.Skip(start).Take(Slice).Select(t => t!).ToArray()));
        }
        return Explained(() =>
        {
            var responses = new ClassifyResponse[texts.Count];
            for (var i = 0; i < texts.Count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                responses[i] = Response(classifier, texts[i]!, predictions[i], explain ? explainer : null);
            }
            return Results.Ok(new ClassifyBatchResponse(responses));
        });
    }

    private static HealthResponse Health(StanceClassifier classifier, IOptions<ClassifierApiOptions> options)
    {
        var model = classifier.Model;
        var error = classifier.LastReloadError;
        var card = model.Card is { } c
            ? new HealthCard(c.Trainer, c.FeatureSet, c.Features, c.Training.Rows, c.TestMetrics?.MacroF1, c.TestMetrics?.Accuracy, c.MlNetVersion, c.CreatedUtc)
            : null;
        var file = Path.GetFileName(model.Source);
        return new HealthResponse(
            // Degraded: the file on disk could not be loaded, but the previous model still answers.
            error is null ? "ok" : "degraded",
            new HealthModel(file, model.Sha256, model.Generation, model.LoadedUtc, model.Labels, model.CardStatus.ToString().ToLowerInvariant(), PublicText.Of(model.CardNote, model.Source)),
            PublicText.Of(error, model.Source),
            card,
            new HealthLimits(options.Value.MaxTextLength, options.Value.MaxBatchSize, options.Value.MaxExplainCharacters, options.Value.RequestTimeoutSeconds));
    }

    private const int Slice = 32;

    private static IResult? ExplainTooLarge(long characters, ClassifierApiOptions limits) =>
        characters > limits.MaxExplainCharacters
            ? Problems.TooLarge($"explain=true covers at most {limits.MaxExplainCharacters:N0} characters per request (this one has {characters:N0}); send fewer or shorter texts, or leave explain off.")
            : null;

    private static IResult? CheckText(string? text, string field, ClassifierApiOptions limits)
    {
        if (text is null) return Problems.BadRequest($"'{field}' is missing; send a string.");
        if (string.IsNullOrWhiteSpace(text)) return Problems.BadRequest($"'{field}' is empty.");
        if (text.Length > limits.MaxTextLength)
            return Problems.BadRequest($"'{field}' has {text.Length:N0} characters; the limit is {limits.MaxTextLength:N0}.");
        return null;
    }

    // A model without linear weights (FastTree) cannot explain: that is the request's problem, not a 500.
    private static IResult Explained(Func<IResult> respond)
    {
        try
        {
            return respond();
        }
        catch (ClassifierException e) when (e.Kind == FailureKind.BadModel)
        {
            return Problems.BadRequest($"explain=true is not available for this model: {e.Message}");
        }
    }

    private static IResult? ExplainUnavailable(bool explain, IStanceExplainer? explainer) =>
        explain && explainer is null ? Problems.BadRequest("explain=true is not available: this service has no explainer installed.") : null;

    private static ClassifyResponse Response(StanceClassifier classifier, string text, StancePrediction p, IStanceExplainer? explainer) =>
        new(p.Label, p.Confidence, p.Probabilities) { Explanation = explainer?.Explain(classifier, text, p) };
}
