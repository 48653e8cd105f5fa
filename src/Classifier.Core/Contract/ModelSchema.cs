namespace Classifier.Core.Contract;

/// <summary>
/// Column names of the saved model's contract: apps feed <see cref="Text"/> and read
/// <see cref="PredictedLabel"/> (the label's name) and <see cref="Score"/> (one probability per
/// label, named by the Score column's slot names).
/// </summary>
public static class ModelSchema
{
    public const string Text = "Text";
    public const string Score = "Score";
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>The key-typed label the trainer sees; never part of the saved model's input.</summary>
    public const string LabelKey = "Label";
    public const string Features = "Features";
}
