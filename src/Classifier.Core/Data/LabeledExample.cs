namespace Classifier.Core.Data;

/// <summary>One training or test row. A class with settable properties because ML.NET maps it by reflection.</summary>
public sealed class LabeledExample
{
    public LabeledExample() { }

    public LabeledExample(string text, string label)
    {
        Text = text;
        Label = label;
    }

    public string Text { get; set; } = "";
    public string Label { get; set; } = "";
}
