using Classifier.Core.Model;

namespace Classifier.Core.Prediction;

/// <summary>
/// The entry point for apps that use a stance model: load a zip once, then call
/// <see cref="Predict"/> or <see cref="PredictBatch"/> from any number of threads.
/// </summary>
/// <example>
/// <code>
/// using var classifier = StanceClassifier.Load("models/stance.zip");
/// var p = classifier.Predict("Backdoors weaken security for everyone.");
/// Console.WriteLine($"{p.Label} {p.Confidence:P0}");
/// </code>
/// </example>
/// <remarks>
/// Predictions borrow an engine from a pool (ML.NET's PredictionEngine is not thread-safe). With
/// <see cref="StanceClassifierOptions.WatchForChanges"/>, a changed file is loaded in the background and
/// swapped in atomically: calls in flight finish on the old model; a new file that fails to load leaves
/// the old model serving and is reported through <see cref="ReloadFailed"/> and <see cref="LastReloadError"/>.
/// </remarks>
public sealed class StanceClassifier : IDisposable
{
    private const string StreamSource = "(stream)";

    private readonly string? _path;
    private readonly StanceClassifierOptions _options;
    private readonly Lock _reloadLock = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _reloadTimer;
    private ModelSession _session;
    private volatile string? _lastReloadError;
    private volatile bool _disposed;

    private StanceClassifier(ModelSession session, string? path, StanceClassifierOptions options)
    {
        _session = session;
        _path = path;
        _options = options;
        if (path is null || !options.WatchForChanges) return;

        var full = Path.GetFullPath(path);
        _reloadTimer = new Timer(_ => ReloadFromWatcher(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => ScheduleReload();
        _watcher.Created += (_, _) => ScheduleReload();
        _watcher.Renamed += (_, _) => ScheduleReload(); // AtomicFile writes a temp file and renames it over the zip.
        _watcher.Error += (_, _) => ScheduleReload(); // Missed events: check the file anyway.
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Raised after a changed model file has been loaded and swapped in.</summary>
    public event EventHandler<ModelReloadedEventArgs>? ModelReloaded;

    /// <summary>Raised when a changed model file cannot be loaded; the previous model keeps serving.</summary>
    public event EventHandler<ModelReloadFailedEventArgs>? ReloadFailed;

    /// <summary>The model in use now: source, SHA-256, labels, card, load time, generation.</summary>
    public StanceModelInfo Model => Current.Info;

    /// <summary>The label names in Score slot order.</summary>
    public IReadOnlyList<string> Labels => Current.Info.Labels;

    /// <summary>
    /// The model card beside the zip (<c>NAME.card.json</c>), or null when there is none, it is unreadable, or
    /// it records another zip's SHA-256 (<see cref="StanceModelInfo.CardStatus"/> then says Mismatched).
    /// </summary>
    public ModelCard? Card => Current.Info.Card;

    /// <summary>Why the last reload failed, or null when the file on disk is the model in use.</summary>
    public string? LastReloadError => _lastReloadError;

    private ModelSession Current
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Volatile.Read(ref _session);
        }
    }

    /// <summary>
    /// Loads a stance model zip and its card. Fails here with a <see cref="ClassifierException"/>
    /// (kind BadModel, one line naming the file) when the zip is missing, unreadable, or not a text
    /// classifier with a Text input, a Score output with label slot names and a PredictedLabel.
    /// </summary>
    public static StanceClassifier Load(string path, StanceClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options = Checked(options ?? StanceClassifierOptions.Default);
        var session = ModelSession.Create(ReadZip(path), path, ModelCard.TryRead(path), generation: 1, options.MaxPooledEngines, options.MaxModelExpandedBytes);
        return new StanceClassifier(session, path, options);
    }

    /// <summary>
    /// Loads a stance model zip from a stream (read to its end, not closed). There is no card and no
    /// file to watch, so <see cref="StanceClassifierOptions.WatchForChanges"/> must be off.
    /// </summary>
    public static StanceClassifier Load(Stream stream, StanceClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options = Checked(options ?? StanceClassifierOptions.Default);
        if (options.WatchForChanges)
            throw new ArgumentException("WatchForChanges needs a model file path; a stream cannot be watched.", nameof(options));
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var session = ModelSession.Create(copy.ToArray(), StreamSource, card: null, generation: 1, options.MaxPooledEngines, options.MaxModelExpandedBytes);
        return new StanceClassifier(session, path: null, options);
    }

    /// <summary>Predicts one text's stance. Safe to call from many threads at once.</summary>
    public StancePrediction Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Current.Predict(text);
    }

    /// <summary>
    /// Predicts many texts in one pass through the model (a data view, not one engine call per text);
    /// results are in input order. Safe to call from many threads at once.
    /// </summary>
    public IReadOnlyList<StancePrediction> PredictBatch(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var list = texts as IReadOnlyList<string> ?? texts.ToArray();
        for (var i = 0; i < list.Count; i++)
            if (list[i] is null) throw new ArgumentException($"texts[{i}] is null.", nameof(texts));
        return Current.PredictBatch(list);
    }

    /// <summary>
    /// The words and n-grams that pushed <paramref name="text"/> toward each label, strongest first, from
    /// the linear model's weights; on the model serving now (it follows reloads). A model without linear
    /// weights (FastTree) throws <see cref="ClassifierException"/> of kind BadModel saying so.
    /// </summary>
    public Insight.Explain.Explanation Explain(string text, int top = 10)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Current.Explain(text, top);
    }

    /// <summary>
    /// Estimates the label shares of <paramref name="texts"/> (classify-and-count and the corrected share with
    /// its interval, the same numbers as <c>classifier-score --shares</c> for one group), streaming them through
    /// the model serving now. Blank texts are skipped. Needs error rates: <see cref="Quantification.ShareOptions.ErrorRates"/>, or
    /// the card's; a card without them throws <see cref="ClassifierException"/> (kind BadModel) saying to retrain.
    /// </summary>
    public Quantification.ShareResults EstimateShares(IEnumerable<string> texts, Quantification.ShareOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new Quantification.ShareOptions();
        // One session for the whole call, so a reload halfway cannot mix two models.
        var session = Current;
        if (options.ErrorRates is null && session.Info.Source == StreamSource)
            throw ClassifierException.Model("the model was loaded from a stream, without its card: pass ShareOptions.ErrorRates (from MeasureErrorRates) or load the model from its file.");
        var stats = options.ErrorRates ?? Quantification.ShareEstimator.RequireStats(session.Info.Card, session.Info.Source);
        var where = options.ErrorRates is null ? ModelCard.PathFor(session.Info.Source) : "the error rates given";
        return Quantification.TextShares.Estimate(texts, session.Info.Labels, session.PredictBatch, stats, where, options);
    }

    /// <summary>
    /// Measures the model's error rates on labeled texts (a sample of the kind of text to be measured, never trained
    /// on), for <see cref="Quantification.ShareOptions.ErrorRates"/> when the corpus differs from the training data. Every label needs rows.
    /// </summary>
    public Quantification.QuantificationStats MeasureErrorRates(IEnumerable<(string Text, string Label)> labeled)
    {
        ArgumentNullException.ThrowIfNull(labeled);
        var session = Current;
        return Quantification.TextShares.Measure(labeled, session.Info.Labels, session.PredictBatch);
    }

    /// <summary>
    /// Loads the model file again now. Returns true when the file on disk is the model in use (swapped
    /// in, or unchanged); false when it cannot be loaded: the old model keeps serving and
    /// <see cref="LastReloadError"/> says why.
    /// </summary>
    public bool Reload()
    {
        var path = _path ?? throw new InvalidOperationException("This classifier was loaded from a stream; there is no file to reload.");
        EventArgs outcome;
        lock (_reloadLock)
        {
            var current = Current;
            try
            {
                var zip = ReadZip(path);
                if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(zip)) == current.Info.Sha256)
                {
                    _lastReloadError = null;
                    return true;
                }
                var next = ModelSession.Create(zip, path, ModelCard.TryRead(path), current.Info.Generation + 1, _options.MaxPooledEngines, _options.MaxModelExpandedBytes);
                Volatile.Write(ref _session, next);
                _lastReloadError = null;
                outcome = new ModelReloadedEventArgs(next.Info);
            }
            catch (ClassifierException e)
            {
                _lastReloadError = e.Message;
                outcome = new ModelReloadFailedEventArgs(path, e.Message, e);
            }
        }

        // Handlers run outside the lock so that they may call back into the classifier.
        switch (outcome)
        {
            case ModelReloadedEventArgs reloaded:
                ModelReloaded?.Invoke(this, reloaded);
                return true;
            case ModelReloadFailedEventArgs failed:
                ReloadFailed?.Invoke(this, failed);
                return false;
            default:
                throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>Stops watching the model file. Predictions already running finish; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _watcher?.Dispose();
        _reloadTimer?.Dispose();
    }

    private void ScheduleReload()
    {
        if (_disposed) return;
        try
        {
            // Restarting the timer on every event waits for the writes to settle.
            _reloadTimer?.Change(_options.ReloadDelay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the call: nothing left to reload.
        }
    }

    private void ReloadFromWatcher()
    {
        if (_disposed) return;
        try
        {
            Reload();
        }
        catch (Exception)
        {
            // A throwing event handler or a dispose race must not kill the process from a timer thread;
            // load failures themselves are already reported through ReloadFailed and LastReloadError.
        }
    }

    private static byte[] ReadZip(string path)
    {
        if (Directory.Exists(path)) throw ClassifierException.Model($"{path}: is a folder, not a model zip.");
        // Finish a save a killed training run left half done, so the zip and card read next are one pair.
        ModelPair.Recover(path);
        if (!File.Exists(path)) throw ClassifierException.Model($"{path}: model file not found.");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ClassifierException.Model($"{path}: cannot read the model file ({ClassifierException.FirstLine(e.Message)}).", e);
        }
    }

    private static StanceClassifierOptions Checked(StanceClassifierOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPooledEngines, 1, nameof(options.MaxPooledEngines));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReloadDelay, TimeSpan.Zero, nameof(options.ReloadDelay));
        return options;
    }
}
