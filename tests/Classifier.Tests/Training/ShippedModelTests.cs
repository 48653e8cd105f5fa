using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Training;
using Classifier.Tests.Support;

namespace Classifier.Tests.Training;

/// <summary>The model committed in models/ must be the one trained on the data committed in data/.</summary>
public sealed class ShippedModelTests
{
    [Fact]
    public void the_card_matches_the_committed_training_and_test_data()
    {
        var card = ModelCard.TryRead(Repo.File("models", "stance.zip"));
        Assert.NotNull(card);
        Assert.True(FileHash.Sha256(Repo.File("data", "stance.csv")) == card.Training.Sha256,
            "data/stance.csv changed since models/stance.zip was trained: retrain (dotnet run --project src/Classifier.Training -c Release) and commit the model and card.");
        Assert.Equal(FileHash.Sha256(Repo.File("data", "stance-test.csv")), card.Test!.Sha256);
        Assert.Equal(new FileInfo(Repo.File("models", "stance.zip")).Length, card.ModelBytes);
    }

    [Fact]
    public void the_shipped_model_reproduces_its_card_test_figures()
    {
        var card = ModelCard.TryRead(Repo.File("models", "stance.zip"))!;
        var model = ModelStore.Load(Repo.File("models", "stance.zip"));
        var test = Classifier.Core.Data.LabeledCsv.Read(Repo.File("data", "stance-test.csv"));
        var report = ModelTrainer.Evaluate(model.Transformer, test.Rows, model.Labels);
        Assert.Equal(card.Labels, model.Labels);
        Assert.Equal(card.TestMetrics!.MacroF1, report.MacroF1, 9);
        Assert.Equal(card.TestMetrics.ConfusionMatrix, report.ConfusionMatrix);
    }
}
