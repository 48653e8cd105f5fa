namespace Classifier.Core.Data;

/// <summary>One training or test row. A class with settable properties because ML.NET maps it by reflection.</summary>
public sealed class LabeledExample
{
    /// <summary>An empty row, for ML.NET and object initializers.</summary>
    public LabeledExample() { }

    /// <summary>A row with its text and label.</summary>
    /// <param name="text">The text.</param>
    /// <param name="label">The label name.</param>
    public LabeledExample(string text, string label)
    {
        Text = text;
        Label = label;
    }

    /// <summary>The text to classify.</summary>
    public string Text { get; set; } = "";
    /// <summary>The true label's name.</summary>
    public string Label { get; set; } = "";
}
