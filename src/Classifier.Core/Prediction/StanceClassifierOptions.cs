namespace Classifier.Core.Prediction;

/// <summary>How a <see cref="StanceClassifier"/> behaves; change with <c>with</c>.</summary>
public sealed record StanceClassifierOptions
{
    /// <summary>No file watching, a 500 ms reload delay and an engine pool sized for the machine.</summary>
    public static StanceClassifierOptions Default { get; } = new();

    /// <summary>Reload the model when its file changes on disk (only for models loaded from a path).</summary>
    public bool WatchForChanges { get; init; }

    /// <summary>
    /// How long the file must stay quiet before a reload: a copy or a rename raises several change
    /// events, and reading mid-write would only fail and retry.
    /// </summary>
    public TimeSpan ReloadDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Prediction engines kept for reuse. More concurrent callers than this still work, but the extra
    /// engines are built per call and dropped, and building one costs far more than a prediction, so
    /// keep it at or above the expected concurrency (a web server's in-flight requests).
    /// </summary>
    public int MaxPooledEngines { get; init; } = Math.Max(32, Environment.ProcessorCount * 4);

    /// <summary>
    /// The most the model zip may expand to; a zip beyond it is refused before anything is extracted,
    /// at load and on every reload (<see cref="Model.ZipBound"/>; default 1 GiB or CLASSIFIER_MAX_MODEL_BYTES).
    /// </summary>
    public long MaxModelExpandedBytes { get; init; } = Model.ZipBound.Default;
}
