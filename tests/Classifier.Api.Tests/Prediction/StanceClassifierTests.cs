using System.IO.Compression;
using Classifier.Core;
using Classifier.Core.Prediction;
using Microsoft.ML;

namespace Classifier.Api.Tests.Prediction;

public sealed class StanceClassifierTests
{
    [Fact]
    public void eight_threads_of_ten_thousand_predictions_equal_the_single_threaded_results()
    {
        using var classifier = StanceClassifier.Load(TestFiles.StanceModel);
        var texts = TestFiles.TestSentences;
        var expected = texts.Select(classifier.Predict).ToArray();

        const int threads = 8, perThread = 10_000;
        var mismatches = new int[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = 0; i < perThread; i++)
            {
                // Each thread walks the texts from its own offset, so threads score different texts at once.
                var k = (t * 997 + i) % texts.Count;
                if (!Same(expected[k], classifier.Predict(texts[k]))) mismatches[t]++;
            }
        });

        Assert.All(mismatches, m => Assert.Equal(0, m));
    }

    [Fact]
    public void batch_predictions_equal_single_predictions_in_input_order()
    {
        using var classifier = StanceClassifier.Load(TestFiles.StanceModel);
        var texts = TestFiles.TestSentences.Take(200).ToArray();

        var batch = classifier.PredictBatch(texts);

        Assert.Equal(texts.Length, batch.Count);
        for (var i = 0; i < texts.Length; i++) Assert.True(Same(classifier.Predict(texts[i]), batch[i]), $"row {i} differs");
    }

    [Fact]
    public async Task concurrent_batches_equal_single_predictions()
    {
        using var classifier = StanceClassifier.Load(TestFiles.StanceModel);
        var texts = TestFiles.TestSentences.Take(60).ToArray();
        var expected = texts.Select(classifier.Predict).ToArray();

        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            Enumerable.Range(0, 5).Select(_ => classifier.PredictBatch(texts)).ToArray())));

        foreach (var batch in batches.SelectMany(b => b))
            for (var i = 0; i < texts.Length; i++) Assert.True(Same(expected[i], batch[i]), $"row {i} differs");
    }

    [Fact]
    public void probabilities_are_keyed_by_the_score_slot_names_and_confidence_is_the_predicted_labels_probability()
    {
        using var classifier = StanceClassifier.Load(TestFiles.StanceModel);

        var p = classifier.Predict("Governments must never be able to read our private messages; backdoors break encryption for everyone.");

        Assert.Equal(["neutral", "pro-access", "pro-privacy"], classifier.Labels.Order());
        Assert.Equal(classifier.Labels.Order(), p.Probabilities.Keys.Order());
        Assert.Equal(p.Probabilities.MaxBy(kv => kv.Value).Key, p.Label);
        Assert.Equal(p.Probabilities[p.Label], p.Confidence);
        Assert.Equal(1.0, p.Probabilities.Values.Sum(), precision: 4);
    }

    [Fact]
    public void the_model_card_beside_the_zip_is_exposed()
    {
        using var classifier = StanceClassifier.Load(TestFiles.StanceModel);

        Assert.NotNull(classifier.Card);
        Assert.Equal(classifier.Labels.Order(), classifier.Card!.Labels.Order());
        Assert.False(string.IsNullOrEmpty(classifier.Card.Trainer));
        Assert.Equal(1, classifier.Model.Generation);
        Assert.Equal(64, classifier.Model.Sha256.Length);
    }

    [Fact]
    public void loading_from_a_stream_predicts_like_loading_from_the_path()
    {
        using var fromPath = StanceClassifier.Load(TestFiles.StanceModel);
        using var stream = File.OpenRead(TestFiles.StanceModel);
        using var fromStream = StanceClassifier.Load(stream);

        foreach (var text in TestFiles.TestSentences.Take(50))
            Assert.True(Same(fromPath.Predict(text), fromStream.Predict(text)));
        Assert.Null(fromStream.Card);
        Assert.Throws<InvalidOperationException>(() => fromStream.Reload());
    }

    [Fact]
    public void watching_a_stream_is_refused()
    {
        using var stream = File.OpenRead(TestFiles.StanceModel);

        Assert.Throws<ArgumentException>(() => StanceClassifier.Load(stream, new StanceClassifierOptions { WatchForChanges = true }));
    }

    [Fact]
    public void a_zip_that_is_not_a_model_fails_at_load_naming_the_file()
    {
        using var dir = new TempDir();
        var path = dir.File("notes.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("notes.txt").Open()))
            writer.Write("not a model");

        var e = Assert.Throws<ClassifierException>(() => StanceClassifier.Load(path));

        Assert.Equal(FailureKind.BadModel, e.Kind);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void a_model_without_a_text_input_fails_at_load_saying_so()
    {
        using var dir = new TempDir();
        var path = dir.File("numbers.zip");
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new NumberRow { X = 1 }, new NumberRow { X = 2 } });
        var model = ml.Transforms.CopyColumns("Y", "X").Fit(data);
        ml.Model.Save(model, data.Schema, path);

        var e = Assert.Throws<ClassifierException>(() => StanceClassifier.Load(path));

        Assert.Contains("'Text'", e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void a_missing_file_fails_at_load()
    {
        var e = Assert.Throws<ClassifierException>(() => StanceClassifier.Load("no/such/model.zip"));

        Assert.Equal("no/such/model.zip: model file not found.", e.Message);
    }

    [Fact]
    public void null_texts_are_refused_with_argument_errors()
    {
        using var classifier = StanceClassifier.Load(TestFiles.StanceModel);

        Assert.Throws<ArgumentNullException>(() => classifier.Predict(null!));
        var e = Assert.Throws<ArgumentException>(() => classifier.PredictBatch(["fine", null!]));
        Assert.Contains("texts[1]", e.Message);
        Assert.Empty(classifier.PredictBatch([]));
    }

    internal static bool Same(StancePrediction a, StancePrediction b) =>
        a.Label == b.Label
        && a.Confidence == b.Confidence
        && a.Probabilities.Count == b.Probabilities.Count
        && a.Probabilities.All(kv => b.Probabilities.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private sealed class NumberRow
    {
        public float X { get; set; }
    }
}
