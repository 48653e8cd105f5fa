using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Training;
using Classifier.Core.Trust;

namespace Classifier.Scoring.Tests.Trust;

/// <summary>A model trained on 3,000 rows of data/stance.csv, with the drift baseline a training run stores in its card.</summary>
public sealed class DriftModelFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public DriftModelFixture()
    {
        var all = LabeledCsv.Read(Repo.File("data", "stance.csv")).Rows.ToArray();
        new Random(5).Shuffle(all);
        var rows = all.Take(3000).ToArray();
        var options = new TrainingOptions { Folds = 3 };
        var outOfFold = new float[rows.Length][];
        var cv = ModelTrainer.CrossValidate(rows, options, outOfFold: outOfFold).Summary;
        var model = ModelTrainer.Fit(rows, options);
        ModelPath = _dir.File("drift.zip");
        ModelStore.Save(model, ModelPath);
        ModelStore.SaveCard(new ModelCard
        {
            Labels = model.Labels,
            Trainer = "lbfgs",
            TrainerSettings = new Dictionary<string, string>(),
            FeatureSet = "ngrams",
            Features = options.Features.Describe(),
            FeatureSettings = options.Features,
            Training = new DataFileInfo("(3,000-row sample of data/stance.csv)", "", rows.Length, 0),
            CrossValidation = cv,
            Seed = options.Seed,
            MlNetVersion = "test",
            CreatedUtc = DateTimeOffset.UnixEpoch,
            Drift = DriftBaseline.From(rows, outOfFold, model.Labels),
        }, ModelPath);
    }

    public string ModelPath { get; }

    public TempDir Dir => _dir;

    public void Dispose() => _dir.Dispose();
}

/// <summary><c>classifier-score drift</c>: close for the held-out test file, far for an off-topic corpus made here.</summary>
public sealed class DriftCommandTests(DriftModelFixture fixture) : IClassFixture<DriftModelFixture>
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Sentences about cooking, gardening, sport and music: nothing the stance data talks about.</summary>
    private string OffTopicCorpus()
    {
        string[] who = ["The midfielder", "Our head gardener", "My grandmother", "The pastry chef", "The marathon runner", "A local baker", "The goalkeeper", "The hiking club", "The orchestra's cellist", "The new coach"];
        string[] did = ["sprinkled", "harvested", "kneaded", "scored", "trimmed", "roasted", "painted", "rehearsed", "climbed", "watered"];
        string[] what = ["fresh basil over the tomatoes", "the pumpkins before the frost", "sourdough at dawn", "twice in the second half", "the hedges along the lane", "chestnuts on the open fire", "a watercolour of the harbour", "the slow movement of the symphony", "the ridge above the glacier", "the orchids every Sunday"];
        string[] when = ["before lunch.", "while the crowd cheered.", "with a pinch of sea salt.", "despite the heavy rain.", "after the match ended.", "for the village fair.", "as the sun went down.", "on a quiet afternoon."];
        var random = new Random(3);
        var lines = Enumerable.Range(0, 300).Select(_ => $"\"{who[random.Next(who.Length)]} {did[random.Next(did.Length)]} {what[random.Next(what.Length)]} {when[random.Next(when.Length)]}\"");
        return fixture.Dir.Write($"offtopic-{Guid.NewGuid():N}.csv", "text\n" + string.Join("\n", lines) + "\n");
    }

    [Fact]
    public void the_held_out_test_file_is_close_to_the_training_data()
    {
        var (code, output, err) = Run("drift", "--model", fixture.ModelPath, "--input", Repo.File("data", "stance-test.csv"));

        Assert.True(code == 0, err);
        Assert.Contains("confidence PSI vs out-of-fold", output);
        Assert.Contains("expected (Good–Turing)", output);
        Assert.EndsWith("verdict: close", output.Trim());
    }

    [Fact]
    public void an_off_topic_corpus_is_far_and_its_worst_covered_rows_are_listed()
    {
        var corpus = OffTopicCorpus();
        var worst = fixture.Dir.File($"worst-{Guid.NewGuid():N}.csv");

        var (code, output, err) = Run("drift", "--model", fixture.ModelPath, "--input", corpus, "--output", worst, "--worst", "25");

        Assert.True(code == 0, err);
        Assert.EndsWith("verdict: far", output.Trim().Split('\n')[^2].Trim());
        var rows = CsvTable.Read(worst);
        Assert.Equal(["row", "text", "words", "unknown_share", "unknown_words", "predicted", "confidence", "nearest_distance"], rows.Headers);
        Assert.Equal(25, rows.Rows.Count);
        var shares = rows.Rows.Select(r => double.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(shares.OrderDescending(), shares);
        Assert.All(rows.Rows, r => Assert.NotEqual("", r[4]));
    }

    [Fact]
    public void an_older_card_without_a_baseline_gets_a_note_not_a_guess()
    {
        // The shipped model with its card as cards were before drift baselines: the same card, without "drift".
        var folder = fixture.Dir.NewFolder();
        var model = Path.Combine(folder, "old-card.zip");
        File.Copy(ScoringRun.ShippedModel, model);
        var card = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ModelCard.PathFor(ScoringRun.ShippedModel)))!.AsObject();
        Assert.True(card.Remove("drift"), "the shipped card has a drift baseline to remove");
        File.WriteAllText(ModelCard.PathFor(model), card.ToJsonString());

        var (code, output, err) = Run("drift", "--model", model, "--input", Repo.File("data", "stance-test.csv"));

        Assert.True(code == 0, err);
        Assert.Contains("note: the card was written before drift baselines were stored", output);
        Assert.DoesNotContain("confidence PSI", output);
        Assert.Contains("verdict:", output);
    }

    [Fact]
    public void a_missing_text_column_is_one_line_naming_the_file_and_the_columns()
    {
        var corpus = fixture.Dir.Write($"bad-{Guid.NewGuid():N}.csv", "body\nhello\n");
        var (code, _, err) = Run("drift", "--model", fixture.ModelPath, "--input", corpus);
        Assert.Equal(3, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("no text column 'text' (columns found: 'body')", err);
    }
}
