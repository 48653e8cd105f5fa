using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Classifier.Api;

/// <summary>Problem details the framework writes itself (routing's 415, status pages) get a detail that says what to do.</summary>
internal static class ProblemText
{
    public static void Fill(ProblemDetailsContext context)
    {
        if (!string.IsNullOrEmpty(context.ProblemDetails.Detail)) return;
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with 'Content-Type: application/json' (UTF-8).",
            StatusCodes.Status404NotFound => "No such endpoint: POST /classify, POST /classify/batch, GET /health, GET /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => "Wrong method for this endpoint: /classify and /classify/batch take POST, /health GET.",
            _ => null,
        };
        // Never the exception's type or message: those are for the log, not for clients.
        context.ProblemDetails.Extensions.Remove("exception");
    }
}

/// <summary>
/// The OpenAPI document's <c>servers</c> come from <c>Classifier:PublicUrl</c> (or are left out), never from
/// the request's Host header, which any client can set.
/// </summary>
internal sealed class OpenApiServers(IOptions<ClassifierApiOptions> options) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Servers = options.Value.PublicUrl is { } url ? [new OpenApiServer { Url = url }] : [];
        return Task.CompletedTask;
    }
}
