namespace Classifier.Embeddings.Tests;

/// <summary>Tests that use the process-wide encoder cache run one after another (training clears it).</summary>
[CollectionDefinition(Name)]
public sealed class EncoderCollection
{
    public const string Name = "encoder";
}
