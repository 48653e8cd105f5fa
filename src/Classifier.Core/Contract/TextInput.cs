namespace Classifier.Core.Contract;

/// <summary>The one input the saved model needs.</summary>
internal sealed class TextInput
{
    public string Text { get; set; } = "";
}
