using Classifier.Api;
using Classifier.Core;
using Classifier.Core.Prediction;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

const string DefaultUrl = "http://127.0.0.1:5080";

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--model"] = $"{ClassifierApiOptions.Section}:ModelPath" });

// Loopback unless told otherwise (--urls, ASPNETCORE_URLS or "Urls" in appsettings).
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(DefaultUrl);

builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemText.Fill);
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
// Binding failures raise BadHttpRequestException in every environment, so they all get a problem body.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiServers>());
builder.Services.AddStanceClassifier();
builder.AddServiceHardening();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseServiceHardening();
app.MapOpenApi();
app.MapClassifierEndpoints();
app.MapSharesEndpoints();

try
{
    // Settings and model now, so a bad value or model stops the service at start (one line, no stack trace).
    _ = app.Services.GetRequiredService<IOptions<ClassifierApiOptions>>().Value;
    app.Services.GetRequiredService<StanceClassifier>();
}
catch (ClassifierException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.For(e.Kind);
}

try
{
    app.Run();
}
catch (IOException e)
{
    // A port in use or an address that cannot be bound.
    Console.Error.WriteLine($"error: {ClassifierException.FirstLine(e.Message)}");
    return ExitCodes.BadArguments;
}
return ExitCodes.Success;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
