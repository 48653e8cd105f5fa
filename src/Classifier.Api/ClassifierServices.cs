using Classifier.Core.Prediction;
using Microsoft.Extensions.Options;

namespace Classifier.Api;

/// <summary>Registers the options and the one shared <see cref="StanceClassifier"/>.</summary>
public static class ClassifierServices
{
    public static IServiceCollection AddStanceClassifier(this IServiceCollection services)
    {
        services.AddOptions<ClassifierApiOptions>().BindConfiguration(ClassifierApiOptions.Section);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ClassifierApiOptions>>().Value;
            options.Validate();
            var path = ModelPathResolver.Resolve(options.ModelPath, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            var classifier = StanceClassifier.Load(path, new StanceClassifierOptions { WatchForChanges = options.WatchForChanges });

            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger<StanceClassifier>();
            log.LogInformation("Model {Path} loaded: labels {Labels}, sha256 {Sha256}", path, string.Join(", ", classifier.Labels), classifier.Model.Sha256);
            classifier.ModelReloaded += (_, e) =>
                log.LogInformation("Model reloaded (generation {Generation}, sha256 {Sha256})", e.Model.Generation, e.Model.Sha256);
            classifier.ReloadFailed += (_, e) =>
                log.LogWarning("Model file changed but was not loaded; the previous model keeps serving: {Reason}", e.Reason);
            return classifier;
        });
        services.AddSingleton<IStanceExplainer, WeightsExplainer>();
        return services;
    }
}
