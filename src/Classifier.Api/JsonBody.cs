using Classifier.Core;
using System.Text.Json;

namespace Classifier.Api;

/// <summary>
/// Reads a JSON request body and turns every way it can be wrong into a problem-details result
/// (400, 413 or 415) with a message that says what is wrong, rather than the framework's generic 400.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancel)
        where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Problems.UnsupportedMediaType("Send the body as JSON with 'Content-Type: application/json'."));
        try
        {
            var value = await request.ReadFromJsonAsync<T>(cancel);
            return value is null ? (null, Problems.BadRequest("The body is JSON null; send an object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON for this endpoint: {ClassifierException.FirstLine(e.Message)}"));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's request limits (body too large: 413) and truncated bodies (400).
            return (null, Results.Problem(ClassifierException.FirstLine(e.Message), statusCode: e.StatusCode));
        }
    }

}

/// <summary>The problem-details results the endpoints return.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    public static IResult TooLarge(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult UnsupportedMediaType(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType);
}
