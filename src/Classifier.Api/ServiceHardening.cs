using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Classifier.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;

namespace Classifier.Api;

/// <summary>
/// What stands between the network and the model: settings checked with one-line errors, API keys,
/// the framework's per-client rate limiter, a per-request time budget, connection limits, and the
/// rule that a service listening beyond loopback needs keys unless told otherwise.
/// </summary>
public static class ServiceHardening
{
    /// <summary>The header an API key travels in.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Registers the rate limiter, the request timeouts and Kestrel's limits.</summary>
    public static WebApplicationBuilder AddServiceHardening(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            // A bad value is reported (one line, exit 2) by CheckSettings; here it only falls back.
            var section = context.Configuration.GetSection(ClassifierApiOptions.Section);
            kestrel.Limits.MaxConcurrentConnections = long.TryParse(section["MaxConnections"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var max) && max > 0
                ? max : new ClassifierApiOptions().MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = 0;
        });

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<ClassifierApiOptions>>().Value;
                if (options.RateLimitPerSecond == 0) return RateLimitPartition.GetNoLimiter("unlimited");
                return RateLimitPartition.GetTokenBucketLimiter(ClientKey(context, options), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.RateLimitBurst,
                    TokensPerPeriod = options.RateLimitPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (rejected, cancel) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                await Results.Problem("Too many requests from this client; retry after a second.", statusCode: StatusCodes.Status429TooManyRequests)
                    .ExecuteAsync(rejected.HttpContext);
            };
        });

        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ClassifierApiOptions>>((timeouts, api) =>
            timeouts.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(Math.Max(1, api.Value.RequestTimeoutSeconds)),
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
                WriteTimeoutResponse = context => Results.Problem(
                    $"The request took longer than its {api.Value.RequestTimeoutSeconds} s budget and was stopped; send fewer or shorter texts.",
                    statusCode: StatusCodes.Status504GatewayTimeout).ExecuteAsync(context),
            });
        return builder;
    }

    /// <summary>API keys (when configured), then the rate limiter, then the time budget.</summary>
    public static WebApplication UseServiceHardening(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var keys = context.RequestServices.GetRequiredService<IOptions<ClassifierApiOptions>>().Value.ApiKeys;
            if (keys.Length > 0 && !KeyMatches(context.Request.Headers[ApiKeyHeader].ToString(), keys))
            {
                context.Response.Headers.WWWAuthenticate = ApiKeyHeader;
                await Results.Problem($"Send a valid API key in the {ApiKeyHeader} header.", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        return app;
    }

    /// <summary>
    /// Checks every Classifier setting (a value that is not a number is one line naming the key, not a
    /// stack trace), and refuses a non-loopback address without API keys unless AllowAnonymous is set.
    /// </summary>
    public static ClassifierApiOptions CheckSettings(IConfiguration configuration)
    {
        var section = configuration.GetSection(ClassifierApiOptions.Section);
        foreach (var property in typeof(ClassifierApiOptions).GetProperties())
        {
            var raw = section[property.Name];
            if (raw is null) continue;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var ok = type == typeof(int) ? int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                : type == typeof(long) ? long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                : type == typeof(bool) ? bool.TryParse(raw, out _)
                : true;
            if (!ok)
                throw ClassifierException.Arguments($"{ClassifierApiOptions.Section}:{property.Name}: '{raw}' is not {(type == typeof(bool) ? "true or false" : "a whole number")}.");
        }
        var options = section.Get<ClassifierApiOptions>() ?? new ClassifierApiOptions();
        // Keys as a list (Classifier:ApiKeys:0, :1 ...) or as one "a,b" value (command line, environment).
        var keys = section.GetSection("ApiKeys").GetChildren().Select(c => c.Value).OfType<string>()
            .Concat((section["ApiKeys"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        options = options with { ApiKeys = keys };
        options.Validate();

        var exposed = ListenAddresses(configuration).Where(url => !IsLoopback(url)).ToArray();
        if (exposed.Length > 0 && options.ApiKeys.Length == 0 && !options.AllowAnonymous)
            throw ClassifierException.Arguments(
                $"listening on {string.Join(", ", exposed)} (beyond loopback) needs API keys: set {ClassifierApiOptions.Section}:ApiKeys, or {ClassifierApiOptions.Section}:AllowAnonymous=true to serve without them.");
        return options;
    }

    /// <summary>The URLs the service will listen on: --urls / ASPNETCORE_URLS / Urls, and Kestrel endpoints.</summary>
    public static IEnumerable<string> ListenAddresses(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (!string.IsNullOrWhiteSpace(urls))
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) yield return url;
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
            if (endpoint["Url"] is { Length: > 0 } url) yield return url;
    }

    /// <summary>Whether a listen URL is loopback only (localhost, 127.x, ::1); wildcards and other addresses are not.</summary>
    public static bool IsLoopback(string url)
    {
        var host = url;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) host = host[(scheme + 3)..];
        var slash = host.IndexOf('/');
        if (slash >= 0) host = host[..slash];
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            host = close > 0 ? host[1..close] : host;
        }
        else if (host.LastIndexOf(':') is var colon and > 0)
        {
            host = host[..colon];
        }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    // Keys compared in constant time (as fixed-length hashes), so timing reveals nothing about them.
    private static bool KeyMatches(string given, string[] keys)
    {
        if (given.Length == 0) return false;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var match = false;
        foreach (var key in keys) match |= CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return match;
    }

    // A client is its key only when keys are checked (an unchecked header could be varied to dodge the limit).
    private static string ClientKey(HttpContext context, ClassifierApiOptions options)
    {
        var key = options.ApiKeys.Length > 0 ? context.Request.Headers[ApiKeyHeader].ToString() : "";
        return key.Length > 0
            ? "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16]
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
