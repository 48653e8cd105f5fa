using Classifier.Core;
using Classifier.Core.Data;
using Classifier.Core.Insight.Suggest;
using Classifier.Core.Training;
using CsvHelper;

namespace Classifier.Insight.Tests;

[Collection(TinyModelsCollection.Name)]
public sealed class SuggesterTests(TinyModels models)
{
    private static readonly string[] Corpus =
    [
        "police need warrants to read messages",
        "privacy matters",
        "the committee heard officials",
        "warrants and privacy and the committee",
        "warrants or privacy",
        "Warrants, or privacy?",
        "the committee weighed warrants",
        "privacy for the committee",
        "officials spoke on tuesday",
        "with warrants police could stop crime",
        "keep messages safe and protect privacy",
        "the committee met about the schedule",
    ];

    [Fact]
    public void the_chosen_rows_are_those_with_the_lowest_margin()
    {
        var path = WriteCorpus(Corpus);

        var result = LabelingSuggester.Choose(models.Linear, path, new SuggestOptions { Count = 3, Buckets = 1 });

        var distinct = Corpus.DistinctBy(TextKey.Of).ToArray();
        var margins = ModelTrainer.Predict(models.Linear.Transformer, distinct).Select(p => LabelingSuggester.Margin(p).Margin).ToArray();
        var expected = distinct.Zip(margins).OrderBy(x => x.Second).Take(3).Select(x => x.First);
        Assert.Equal(expected.Order(), result.Chosen.Select(s => s.Text).Order());
        Assert.Equal(result.Chosen.OrderBy(s => s.Margin).Select(s => s.Text), result.Chosen.Select(s => s.Text));
        Assert.Equal(Corpus.Length, result.RowsRead);
    }

    [Fact]
    public void near_duplicates_and_already_labeled_texts_are_not_suggested()
    {
        var path = WriteCorpus(Corpus);
        var labeled = new HashSet<string> { TextKey.Of("privacy matters") };

        var result = LabelingSuggester.Choose(models.Linear, path, new SuggestOptions { Count = 100, Buckets = 1, AlreadyLabeled = labeled });

        Assert.Equal(1, result.Duplicates);
        Assert.Equal(1, result.AlreadyLabeled);
        Assert.Equal(Corpus.Length - 2, result.Chosen.Count);
        Assert.Single(result.Chosen, s => TextKey.Of(s.Text) == "warrants or privacy");
        Assert.DoesNotContain(result.Chosen, s => s.Text == "privacy matters");
    }

    [Fact]
    public void picks_are_spread_over_the_corpus()
    {
        // The first half holds only torn rows, the second only clear ones: one bucket each.
        var torn = Enumerable.Range(0, 10).Select(i => $"warrants or privacy number {i}");
        var clear = Enumerable.Range(0, 10).Select(i => $"the committee heard officials on day {i}");
        var path = WriteCorpus([.. torn, .. clear]);

        var spread = LabelingSuggester.Choose(models.Linear, path, new SuggestOptions { Count = 4, Buckets = 2 });
        var unspread = LabelingSuggester.Choose(models.Linear, path, new SuggestOptions { Count = 4, Buckets = 1 });

        Assert.Equal(2, spread.Chosen.Count(s => s.Row > 10));
        Assert.All(unspread.Chosen, s => Assert.True(s.Row <= 10));
    }

    [Fact]
    public void the_output_has_the_training_columns_an_empty_label_and_the_probabilities()
    {
        var path = WriteCorpus(Corpus);
        var output = Path.Combine(models.NewFolder(), "to-label.csv");
        var result = LabelingSuggester.Choose(models.Linear, path, new SuggestOptions { Count = 4 });

        LabelingSuggester.Write(result, output);

        using var reader = CsvReader.FromFile(output, new CsvReaderOptions());
        Assert.Equal(["text", "label", "source", "margin", "predicted", .. models.Linear.Labels.Select(l => $"p_{l}"), "corpus_row"], reader.Headers.ToArray());
        var rows = 0;
        while (reader.Read())
        {
            rows++;
            Assert.Equal("", reader.GetString(1));
            Assert.Equal("corpus.csv", reader.GetString(2));
            Assert.Contains(reader.GetString(4), models.Linear.Labels);
            var p = Enumerable.Range(5, models.Linear.Labels.Count).Select(i => double.Parse(reader.GetString(i), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), precision: 2);
        }
        Assert.Equal(4, rows);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!, "*.tmp"));
    }

    [Fact]
    public void a_missing_text_column_names_the_file_and_the_columns_found()
    {
        var path = Path.Combine(models.NewFolder(), "corpus.csv");
        File.WriteAllText(path, "body,date\nhello,2020-01-01\n");

        var error = Assert.Throws<ClassifierException>(() => LabelingSuggester.Choose(models.Linear, path, new SuggestOptions()));

        Assert.Equal(FailureKind.BadInput, error.Kind);
        Assert.Contains(path, error.Message);
        Assert.Contains("'body'", error.Message);
    }

    private string WriteCorpus(IEnumerable<string> texts)
    {
        var path = Path.Combine(models.NewFolder(), "corpus.csv");
        File.WriteAllLines(path, ["text", .. texts.Select(t => $"\"{t.Replace("\"", "\"\"")}\"")]);
        return path;
    }
}
