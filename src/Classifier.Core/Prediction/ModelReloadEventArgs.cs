namespace Classifier.Core.Prediction;

/// <summary>A new model file is in use.</summary>
/// <param name="model">The model now in use.</param>
public sealed class ModelReloadedEventArgs(StanceModelInfo model) : EventArgs
{
    /// <summary>The model now in use (its generation is one more than the previous one's).</summary>
    public StanceModelInfo Model { get; } = model;
}

/// <summary>A changed model file could not be loaded; the previous model stays in use.</summary>
/// <param name="path">The model file.</param>
/// <param name="reason">One line saying what is wrong.</param>
/// <param name="error">The error behind it.</param>
public sealed class ModelReloadFailedEventArgs(string path, string reason, Exception error) : EventArgs
{
    /// <summary>The model file that changed and could not be loaded.</summary>
    public string Path { get; } = path;

    /// <summary>One line saying what is wrong with the new file.</summary>
    public string Reason { get; } = reason;

    /// <summary>The error behind <see cref="Reason"/>, for logs.</summary>
    public Exception Error { get; } = error;
}
