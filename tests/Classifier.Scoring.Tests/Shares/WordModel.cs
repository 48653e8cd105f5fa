using Classifier.Core.Features;
using Classifier.Core.Model;
using Classifier.Core.Training;
using Classifier.Training;

namespace Classifier.Scoring.Tests.Shares;

/// <summary>
/// A model trained once for the share tests on data/stance.csv by the real training job (word 1-2
/// grams only, three folds, no test or out-of-domain file: a few seconds), so its card carries the quantification
/// statistics whether or not the shipped cards do yet.
/// </summary>
public sealed class WordModel : IDisposable
{
    private readonly TempDir _folder = new();

    public WordModel()
    {
        Path = _folder.File("stance-words.zip");
        var result = TrainingJob.Run(new TrainingJobOptions
        {
            DataPath = Repo.File("data", "stance.csv"),
            TestPath = null,
            OodPath = null,
            DevPath = null,
            ModelPath = Path,
            // Three folds: the card's statistics need cross-validation, the tests do not need five folds of it.
            Training = new TrainingOptions { Features = FeatureOptions.Default with { CharNgramLengths = [] }, Folds = 3 },
        }, TextWriter.Null);
        Card = result.Card;
    }

    /// <summary>The model zip; its card is beside it.</summary>
    public string Path { get; }

    public ModelCard Card { get; }

    public void Dispose() => _folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class WordModelCollection : ICollectionFixture<WordModel>
{
    public const string Name = "word model";
}
