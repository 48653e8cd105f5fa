using Classifier.Core;
using Classifier.Core.Features;
using Classifier.Core.Model;
using Classifier.Core.Prediction;
using Classifier.Core.Training;
using Classifier.Tests.Support;

namespace Classifier.Tests.Model;

/// <summary>
/// This project references Classifier.Core alone, like an app that only uses n-gram models: what it
/// cannot do without Classifier.Embeddings must fail with one line naming the package to add.
/// </summary>
public sealed class EmbeddingsPackageTests
{
    [Fact]
    public void core_alone_finds_no_embeddings_implementation() =>
        Assert.Null(SentenceEmbeddings.Current);

    [Fact]
    public void loading_an_embeddings_model_without_the_package_names_the_package_in_one_line()
    {
        var path = Repo.File("models", "stance-embeddings.zip");

        var e = Assert.Throws<ClassifierException>(() => ModelStore.Load(path));

        Assert.Equal(FailureKind.BadModel, e.Kind);
        Assert.Equal($"{path}: the model uses MiniLM sentence embeddings; add a reference to the Classifier.Embeddings package to load it.", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void the_app_entry_point_gives_the_same_one_line_reason()
    {
        var e = Assert.Throws<ClassifierException>(() => StanceClassifier.Load(Repo.File("models", "stance-embeddings.zip")));
        Assert.Contains("add a reference to the Classifier.Embeddings package", e.Message);
    }

    [Fact]
    public void an_ngram_model_loads_and_predicts_without_the_package()
    {
        using var classifier = StanceClassifier.Load(Repo.File("models", "stance.zip"));
        Assert.Equal("pro-privacy", classifier.Predict("A backdoor for the police weakens security for everyone.").Label);
    }

    [Theory]
    [InlineData(FeatureSet.Embeddings)]
    [InlineData(FeatureSet.Both)]
    public void training_with_embeddings_without_the_package_names_the_package(FeatureSet set)
    {
        var options = new TrainingOptions { Features = FeatureOptions.Default with { Set = set } };

        var e = Assert.Throws<ClassifierException>(() => ModelTrainer.Fit(Fixtures.Rows(perLabel: 4), options));

        Assert.Equal(FailureKind.BadArguments, e.Kind);
        Assert.Equal($"--features {set.Name()} needs MiniLM sentence embeddings: add a reference to the Classifier.Embeddings package.", e.Message);
    }
}
