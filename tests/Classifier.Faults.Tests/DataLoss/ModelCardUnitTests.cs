using System.Text.Json;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Prediction;
using Classifier.Faults.Tests.Support;

namespace Classifier.Faults.Tests.DataLoss;

/// <summary>Reproduction 5: the zip and its card are one unit, checked by the zip's SHA-256.</summary>
public sealed class ModelCardUnitTests : IDisposable
{
    private readonly Commands run = new();

    public void Dispose() => run.Dispose();

    private string TrainModel(string name = "m.zip", int wordNgrams = 2)
    {
        // Word n-grams, not the seed, tell two models apart: the LBFGS fit does not depend on the seed.
        var model = run.PathOf(name);
        Assert.Equal(0, run.Train("--data", run.TrainingCsv(), "--test", "none", "--ood", "none", "--model", model, "--folds", "2", "--word-ngrams", wordNgrams.ToString()));
        return model;
    }

    [Fact]
    public void a_card_beside_another_zip_is_reported_and_ignored_by_the_library()
    {
        var model = TrainModel();
        var card = ModelCard.TryRead(model)!;
        Assert.Equal(FileHash.Sha256(model), card.ModelSha256);

        // What the old order left after a kill between the renames: a new zip beside the old card.
        File.Copy(Commands.ShippedModel, model, overwrite: true);
        using var classifier = StanceClassifier.Load(model);

        Assert.Equal(CardStatus.Mismatched, classifier.Model.CardStatus);
        Assert.Null(classifier.Card);
        Assert.Contains("ignored", classifier.Model.CardNote);
    }

    [Fact]
    public void a_card_without_a_hash_is_shown_as_unverified()
    {
        // As the cards written before the hash was recorded (the shipped ones until the next retrain).
        var model = TrainModel();
        var card = ModelCard.TryRead(model)! with { ModelSha256 = null };
        File.WriteAllText(ModelCard.PathFor(model), card.ToJson());

        using var classifier = StanceClassifier.Load(model);

        Assert.Equal(CardStatus.Unverified, classifier.Model.CardStatus);
        Assert.NotNull(classifier.Card);
        Assert.Contains("unverified", classifier.Model.CardNote);
    }

    [Fact]
    public void the_shipped_models_load_with_their_cards_shown()
    {
        // Hashless until the lead retrains (unverified), verified after: never ignored.
        using var classifier = StanceClassifier.Load(Commands.ShippedModel);

        Assert.NotEqual(CardStatus.Mismatched, classifier.Model.CardStatus);
        Assert.NotNull(classifier.Card);
    }

    [Fact]
    public void a_commit_left_half_done_is_finished_by_the_next_load()
    {
        var model = TrainModel();
        var oldZip = File.ReadAllBytes(model);
        // Stage a second model's pair as a killed writer would leave it: temporaries written, record in place, card moved, zip not.
        var other = TrainModel("other.zip", wordNgrams: 1);
        var zipTemp = AtomicFile.TempPathFor(Path.GetFullPath(model));
        var cardTemp = AtomicFile.TempPathFor(ModelCard.PathFor(model));
        File.Copy(other, zipTemp);
        File.Copy(ModelCard.PathFor(other), ModelCard.PathFor(model), overwrite: true);
        File.WriteAllText(ModelPair.CommitRecordFor(model), JsonSerializer.Serialize(new { ZipTemp = zipTemp, Zip = Path.GetFullPath(model), CardTemp = cardTemp, Card = ModelCard.PathFor(model), Sha256 = FileHash.Sha256(other) }));

        using var classifier = StanceClassifier.Load(model);

        Assert.Equal(File.ReadAllBytes(other), File.ReadAllBytes(model));
        Assert.NotEqual(oldZip, File.ReadAllBytes(model));
        Assert.Equal(CardStatus.Verified, classifier.Model.CardStatus);
        Assert.False(File.Exists(ModelPair.CommitRecordFor(model)));
        Assert.False(File.Exists(zipTemp));
    }

    [Fact]
    public void temporaries_without_a_commit_record_leave_the_old_pair_in_use()
    {
        var model = TrainModel();
        var zip = File.ReadAllBytes(model);
        File.WriteAllText(AtomicFile.TempPathFor(Path.GetFullPath(model)), "half a zip");

        using var classifier = StanceClassifier.Load(model);

        Assert.Equal(zip, File.ReadAllBytes(model));
        Assert.Equal(CardStatus.Verified, classifier.Model.CardStatus);
    }
}
