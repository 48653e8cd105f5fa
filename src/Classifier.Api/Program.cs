using Classifier.Api;
using Classifier.Core;
using Classifier.Core.Prediction;
using Microsoft.AspNetCore.Hosting;

const string DefaultUrl = "http://127.0.0.1:5080";

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--model"] = $"{ClassifierApiOptions.Section}:ModelPath" });

// Loopback unless told otherwise (--urls, ASPNETCORE_URLS or "Urls" in appsettings).
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(DefaultUrl);

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
// Binding failures raise BadHttpRequestException in every environment, so they all get a problem body.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddOpenApi();
builder.Services.AddStanceClassifier();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapClassifierEndpoints();
app.MapSharesEndpoints();

try
{
    // Load now, so a bad model stops the service at start rather than failing its first request.
    app.Services.GetRequiredService<StanceClassifier>();
}
catch (ClassifierException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.For(e.Kind);
}

app.Run();
return ExitCodes.Success;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
