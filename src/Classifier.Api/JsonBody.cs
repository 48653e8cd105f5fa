using Classifier.Core;
using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Classifier.Api;

/// <summary>
/// Reads a JSON request body and turns every way it can be wrong into a problem-details result
/// (400, 413 or 415) with a message that says what is wrong, rather than the framework's generic 400.
/// Messages name the JSON path and position, never a .NET type.
/// </summary>
internal static class JsonBody
{
    // Web defaults as the framework uses them, and a key given twice is an error, not "the last one wins".
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancel)
        where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Problems.UnsupportedMediaType("Send the body as JSON with 'Content-Type: application/json'."));
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var media) && media.Charset.HasValue && !KnownCharset(media.Charset.Value!))
            return (null, Problems.UnsupportedMediaType($"charset '{media.Charset.Value}' is not supported; send the JSON as UTF-8."));
        try
        {
            var value = await request.ReadFromJsonAsync<T>(Strict, cancel);
            return value is null ? (null, Problems.BadRequest("The body is JSON null; send an object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON for this endpoint{Where(e)}: {What(e)}."));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's request limits (body too large: 413) and truncated bodies (400).
            return (null, Results.Problem(ClassifierException.FirstLine(e.Message), statusCode: e.StatusCode));
        }
        catch (InvalidOperationException)
        {
            // The framework could not decode the body in its declared charset.
            return (null, Problems.UnsupportedMediaType("The body cannot be read in its declared charset; send the JSON as UTF-8."));
        }
    }

    private static bool KnownCharset(string charset)
    {
        try
        {
            _ = Encoding.GetEncoding(charset.Trim('"'));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Where(JsonException e)
    {
        var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
        var position = e.LineNumber is { } line ? $" (line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1})" : "";
        return path + position;
    }

    // System.Text.Json's messages name .NET types; say the same thing in the request's terms.
    private static string What(JsonException e)
    {
        var message = e.Message;
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)) return "a property appears twice";
        if (message.Contains("could not be mapped", StringComparison.OrdinalIgnoreCase)) return "unknown property (send only the documented fields)";
        if (message.Contains("could not be converted", StringComparison.OrdinalIgnoreCase)) return "a value has the wrong type (texts are JSON strings)";
        return "malformed JSON";
    }
}

/// <summary>The problem-details results the endpoints return.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    public static IResult TooLarge(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult UnsupportedMediaType(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType);
}
