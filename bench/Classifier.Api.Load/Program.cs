using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Classifier.Api.Load;

/// <summary>
/// A closed-loop load client for <c>POST /classify</c>: N clients each send one request, wait for the
/// answer, and send the next, for a fixed time after a warm-up; then it prints requests/s and latency
/// percentiles and stops. Loopback addresses only.
/// </summary>
public static class Program
{
    private const string DefaultText = "Giving the police a way into encrypted messages would make everyone's phone less safe.";

    public static async Task<int> Main(string[] args)
    {
        var url = new Option<string>("--url") { Description = "Service base address (loopback only).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients, each with one request in flight.", DefaultValueFactory = _ => 16 };
        var seconds = new Option<int>("--seconds") { Description = "Measured duration.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured warm-up before it.", DefaultValueFactory = _ => 5 };
        var text = new Option<string>("--text") { Description = "The sentence every request classifies.", DefaultValueFactory = _ => DefaultText };
        var root = new RootCommand("Measure requests/s and latency of POST /classify on loopback.") { url, clients, seconds, warmup, text };

        root.SetAction(async (parse, cancel) =>
        {
            var baseUri = new Uri(parse.GetValue(url)!);
            if (!baseUri.IsLoopback) { Console.Error.WriteLine($"error: --url {baseUri}: only loopback addresses are allowed."); return 2; }
            if (parse.GetValue(clients) < 1 || parse.GetValue(seconds) < 1 || parse.GetValue(warmup) < 0)
            {
                Console.Error.WriteLine("error: --clients and --seconds must be at least 1, --warmup at least 0.");
                return 2;
            }
            var result = await Run(baseUri, parse.GetValue(clients), TimeSpan.FromSeconds(parse.GetValue(warmup)), TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(text)!, cancel);
            Console.WriteLine(result);
            return result.Failures == 0 ? 0 : 1;
        });

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
            return 2;
        }
        return await parsed.InvokeAsync();
    }

    private static async Task<LoadResult> Run(Uri baseUri, int clients, TimeSpan warmup, TimeSpan duration, string text, CancellationToken cancel)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false }) { BaseAddress = baseUri };
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { text }));
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var stopAt = warmup + duration;
        var latencies = new List<double>[clients];
        var failures = 0;

        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<double>(capacity: 100_000);
            while (clock.Elapsed < stopAt && !cancel.IsCancellationRequested)
            {
                var start = clock.Elapsed;
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync("/classify", content, cancel);
                await response.Content.ReadAsByteArrayAsync(cancel);
                var end = clock.Elapsed;
                if (start < measureFrom) continue;
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
                mine.Add((end - start).TotalMilliseconds);
            }
        }));

        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(clients, duration, all.Length, failures, all);
    }

    private sealed record LoadResult(int Clients, TimeSpan Duration, int Requests, int Failures, double[] SortedMs)
    {
        private double Percentile(double p) => SortedMs.Length == 0 ? double.NaN : SortedMs[Math.Min(SortedMs.Length - 1, (int)Math.Ceiling(p * SortedMs.Length) - 1)];

        public override string ToString() =>
            $"clients {Clients}, {Duration.TotalSeconds:F0} s: {Requests} requests ({Failures} failed), {Requests / Duration.TotalSeconds:F0} req/s, " +
            $"latency p50 {Percentile(0.50):F2} ms, p90 {Percentile(0.90):F2} ms, p99 {Percentile(0.99):F2} ms, max {(SortedMs.Length == 0 ? double.NaN : SortedMs[^1]):F2} ms";
    }
}
