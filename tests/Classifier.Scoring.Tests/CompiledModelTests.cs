using Classifier.Core.Compiled;
using Classifier.Core.Data;
using Classifier.Core.Features;
using Classifier.Core.Model;
using Classifier.Core.Scoring;
using Classifier.Core.Training;

namespace Classifier.Scoring.Tests;

/// <summary>
/// The compiled form of a model must give the probabilities ML.NET's chain gives, for the shipped
/// model, for models trained with other settings, and for text built to trip a tokenizer.
/// </summary>
public sealed class CompiledModelTests
{
    private const float Close = 1e-5f;

    [Fact]
    public void compiled_model_gives_the_chain_probabilities_on_the_test_and_ood_sets()
    {
        var model = ModelStore.Load(ScoringRun.ShippedModel);
        var texts = LabeledCsv.Read(Repo.File("data", "stance-test.csv")).Rows.Concat(LabeledCsv.Read(Repo.File("data", "stance-ood.csv")).Rows).Select(r => r.Text).ToArray();

        var (compiledEngine, largest) = Compare(model, texts);

        Assert.Equal("compiled", compiledEngine);
        Assert.True(largest <= Close, $"largest probability difference {largest}");
    }

    [Theory]
    [InlineData("sdca", "tf", "2,3", 3)]
    [InlineData("lbfgs", "tfidf", "", 1)]
    [InlineData("lbfgs", "tfidf", "1,4", 2)]
    public void compiled_model_matches_the_chain_for_other_feature_settings(string trainer, string weighting, string charLengths, int wordLength)
    {
        var features = FeatureOptions.Default with
        {
            WordNgramLength = wordLength,
            CharNgramLengths = [.. charLengths.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)],
            UseTfIdf = weighting == "tfidf",
            MaxWordNgrams = 3000,
            MaxCharNgrams = 3000,
        };
        var options = new TrainingOptions { Trainer = trainer == "sdca" ? TrainerKind.Sdca : TrainerKind.Lbfgs, Features = features };
        var model = Fit(TinyRows(), options);

        var (engine, largest) = Compare(model, [.. TinyRows().Select(r => r.Text), .. Unusual()]);

        Assert.Equal("compiled", engine);
        Assert.True(largest <= Close, $"largest probability difference {largest}");
    }

    [Fact]
    public void words_that_hold_the_slot_separator_still_compile_and_score_like_the_chain()
    {
        // Slot names join tokens with '|': "suspects|a|b" is the bigram of "suspects" and the word "a|b".
        var rows = TinyRows().Select((r, i) => i % 3 == 0 ? new LabeledExample(r.Text + " a|b x||y", r.Label) : r).ToArray();
        var model = Fit(rows, new TrainingOptions { Features = FeatureOptions.Default with { CharNgramLengths = [3], MaxWordNgrams = 3000, MaxCharNgrams = 3000 } });

        var result = ModelCompiler.TryCompile(model);
        var (_, largest) = Compare(model, [.. rows.Select(r => r.Text), "a|b x||y | ||", .. Unusual()]);

        Assert.True(result.Succeeded, result.Reason ?? "");
        Assert.True(largest <= Close, $"largest probability difference {largest}");
    }

    [Fact]
    public void a_slot_name_two_ngrams_share_leaves_the_model_to_mlnet()
    {
        // The word "a|b" and the bigram "a b" both have the slot name "a|b": no way to tell them apart.
        var rows = TinyRows().Select((r, i) => i % 3 == 0 ? new LabeledExample(r.Text + " a|b then a b", r.Label) : r).ToArray();
        var model = Fit(rows, new TrainingOptions { Features = FeatureOptions.Default with { CharNgramLengths = [3], MaxWordNgrams = 3000, MaxCharNgrams = 3000 } });

        var scorer = new BatchScorer(model);

        Assert.Equal("ml.net", scorer.Engine);
        Assert.Contains("'a|b' can be read more than one way", scorer.EngineNote);
    }

    [Fact]
    public void the_both_embeddings_model_is_compiled()
    {
        var scorer = new BatchScorer(ModelStore.Load(Repo.File("models", "stance-embeddings.zip")));

        Assert.Equal("compiled", scorer.Engine);
        Assert.Null(scorer.EngineNote);
    }

    [Fact]
    public void an_embeddings_only_model_is_scored_by_mlnet_and_says_why()
    {
        var model = Fit(TinyRows(), new TrainingOptions { Features = FeatureOptions.Default with { Set = FeatureSet.Embeddings } });

        var scorer = new BatchScorer(model);

        // Its Features is the vector column alone: no n-gram blocks to compile.
        Assert.Equal("ml.net", scorer.Engine);
        Assert.Contains("Features", scorer.EngineNote);
    }

    [Fact]
    public void tree_model_is_not_compiled()
    {
        var model = Fit(TinyRows(), new TrainingOptions { Trainer = TrainerKind.FastTree, Features = FeatureOptions.Default with { CharNgramLengths = [3] } });

        var result = ModelCompiler.TryCompile(model);

        Assert.False(result.Succeeded);
        Assert.Contains("logistic regression", result.Reason);
    }

    private static (string Engine, float Largest) Compare(LoadedModel model, IReadOnlyList<string> texts)
    {
        var expected = new BatchScorer(model, ScoringEngine.MlNet).Score(texts);
        var scorer = new BatchScorer(model);
        var actual = scorer.Score(texts);
        var largest = 0f;
        for (var i = 0; i < texts.Count; i++)
        {
            for (var k = 0; k < model.Labels.Count; k++)
                largest = Math.Max(largest, Math.Abs(expected.ProbabilitiesOf(i)[k] - actual.ProbabilitiesOf(i)[k]));
            // Labels agree unless the two best are tied to within the rounding.
            var sorted = expected.ProbabilitiesOf(i).ToArray().OrderDescending().ToArray();
            if (sorted[0] - sorted[1] > Close) Assert.Equal(expected.Predicted[i], actual.Predicted[i]);
        }
        return (scorer.Engine, largest);
    }

    private static LoadedModel Fit(IReadOnlyList<LabeledExample> rows, TrainingOptions options)
    {
        var trained = ModelTrainer.Fit(rows, options);
        return ModelStore.Check(trained.Transformer, trained.InputSchema, "in-memory model");
    }

    private static LabeledExample[] TinyRows()
    {
        string[] subjects = ["Police", "the ministry", "officials", "the agency", "investigators", "the government", "prosecutors", "the court"];
        return [.. subjects.SelectMany(s => new[]
        {
            new LabeledExample($"{s} need warrants to read messages of suspects.", "pro-access"),
            new LabeledExample($"With warrants, {s} could stop crime; encryption must not block them.", "pro-access"),
            new LabeledExample($"{s} must protect privacy and keep messages safe (end-to-end).", "pro-privacy"),
            new LabeledExample($"Privacy matters more than what {s} want: no backdoors!", "pro-privacy"),
            new LabeledExample($"The committee heard {s} on Tuesday, Oct. 4.", "neutral"),
            new LabeledExample($"{s} spoke to the committee about the 2019 schedule.", "neutral"),
        })];
    }

    /// <summary>Text that trips tokenizers and case mapping: controls, NUL, lone surrogates, other scripts, a long cell.</summary>
    private static string[] Unusual() =>
    [
        "",
        " ",
        "\t\r\n",
        "NUL \0 inside, and \u0001\u0002\u0003 controls",
        "lone surrogates \uD800 and \uDC00 here",
        "İstanbul ǅemal ΣΊΣΥΦΟΣ straße ÆØÅ",
        "combining e\u0301 and Arabic \u064B marks",
        "emoji 🔐👍🏽 and CJK 加密保护每个人",
        "pipes | a|b ||| and <␠> lookalikes <␂>",
        string.Concat(Enumerable.Repeat("Encryption protects everyone; police need warrants. ", 20_000)),
    ];
}
