using Microsoft.AspNetCore.Diagnostics;

namespace Classifier.Api;

/// <summary>
/// Turns the framework's request errors (a query value that does not bind, a body over Kestrel's
/// limit) into problem details with their own status and message, so bad input is never a 500.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancel)
    {
        if (exception is not BadHttpRequestException bad) return false;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Detail = bad.Message },
        });
    }
}
