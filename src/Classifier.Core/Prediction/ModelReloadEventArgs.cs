namespace Classifier.Core.Prediction;

/// <summary>A new model file is in use.</summary>
public sealed class ModelReloadedEventArgs(StanceModelInfo model) : EventArgs
{
    public StanceModelInfo Model { get; } = model;
}

/// <summary>A changed model file could not be loaded; the previous model stays in use.</summary>
public sealed class ModelReloadFailedEventArgs(string path, string reason, Exception error) : EventArgs
{
    public string Path { get; } = path;

    /// <summary>One line saying what is wrong with the new file.</summary>
    public string Reason { get; } = reason;

    public Exception Error { get; } = error;
}
