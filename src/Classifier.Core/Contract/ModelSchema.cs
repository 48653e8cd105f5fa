namespace Classifier.Core.Contract;

/// <summary>
/// Column names of the saved model's contract: apps feed <see cref="Text"/> and read
/// <see cref="PredictedLabel"/> (the label's name) and <see cref="Score"/> (one probability per
/// label, named by the Score column's slot names).
/// </summary>
public static class ModelSchema
{
    /// <summary>The input column: the text to classify.</summary>
    public const string Text = "Text";
    /// <summary>The output vector column: one probability per label, in the order of its slot names.</summary>
    public const string Score = "Score";
    /// <summary>The output text column: the name of the most probable label.</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>The key-typed label the trainer sees; never part of the saved model's input.</summary>
    internal const string LabelKey = "Label";
    internal const string Features = "Features";
}
