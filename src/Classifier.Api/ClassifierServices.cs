using Classifier.Core.Prediction;
using Microsoft.Extensions.Options;

namespace Classifier.Api;

/// <summary>Registers the options and the one shared <see cref="StanceClassifier"/>.</summary>
public static class ClassifierServices
{
    public static IServiceCollection AddStanceClassifier(this IServiceCollection services)
    {
        // Read and checked once (one-line errors naming the key, not a binder stack trace).
        services.AddSingleton<IOptions<ClassifierApiOptions>>(sp => Options.Create(ServiceHardening.CheckSettings(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ClassifierApiOptions>>().Value;
            var path = ModelPathResolver.Resolve(options.ModelPath, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            var classifier = StanceClassifier.Load(path, new StanceClassifierOptions { WatchForChanges = options.WatchForChanges, MaxModelExpandedBytes = options.MaxModelExpandedBytes });

            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger<StanceClassifier>();
            log.LogInformation("Model {Path} loaded: labels {Labels}, sha256 {Sha256}", path, string.Join(", ", classifier.Labels), classifier.Model.Sha256);
            if (classifier.Model.CardNote is { } note) log.LogWarning("Model card: {Note}", note);
            classifier.ModelReloaded += (_, e) =>
            {
                log.LogInformation("Model reloaded (generation {Generation}, sha256 {Sha256})", e.Model.Generation, e.Model.Sha256);
                if (e.Model.CardNote is { } reloadedNote) log.LogWarning("Model card: {Note}", reloadedNote);
            };
            classifier.ReloadFailed += (_, e) =>
                log.LogWarning("Model file changed but was not loaded; the previous model keeps serving: {Reason}", e.Reason);
            return classifier;
        });
        services.AddSingleton<IStanceExplainer, WeightsExplainer>();
        return services;
    }
}
