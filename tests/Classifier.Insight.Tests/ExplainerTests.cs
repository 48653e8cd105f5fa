using Classifier.Core;
using Classifier.Cli.Tables;
using Classifier.Core.Insight.Explain;
using Classifier.Core.Model;

namespace Classifier.Insight.Tests;

[Collection(TinyModelsCollection.Name)]
public sealed class ExplainerTests(TinyModels models)
{
    [Fact]
    public void a_word_seen_only_in_one_class_pushes_toward_that_class()
    {
        var explanation = ModelExplainer.For(models.Linear).Explain("we need warrants");

        Assert.Equal("pro-access", explanation.PredictedLabel);
        var toward = explanation.For("pro-access").Words;
        Assert.Equal("warrants", toward[0].Word);
        Assert.True(toward[0].Push > 0);
        Assert.True(explanation.For("pro-privacy").Words.Single(w => w.Word == "warrants").Push < 0);
        Assert.True(explanation.For("neutral").Words.Single(w => w.Word == "warrants").Push < 0);
    }

    [Theory]
    [InlineData("the committee said privacy", "privacy", "pro-privacy")]
    [InlineData("the committee said privacy", "committee", "neutral")]
    public void each_label_lists_its_own_words_first(string text, string word, string label)
    {
        var explanation = ModelExplainer.For(models.Linear).Explain(text);

        var top = explanation.For(label).Words.Where(w => w.Word.Split(' ').Length == 1).First();
        Assert.Equal(word, top.Word);
    }

    [Fact]
    public void pushes_and_biases_add_up_to_the_models_probabilities()
    {
        var explanation = ModelExplainer.For(models.Linear).Explain("officials want warrants, and privacy too!");

        // Softmax of (bias + every push) must give back the probabilities: nothing is lost or double counted.
        var logits = explanation.Labels.Select(l => l.Bias + l.Words.Sum(w => w.Push)).ToArray();
        var max = logits.Max();
        var exp = logits.Select(z => Math.Exp(z - max)).ToArray();
        for (var c = 0; c < logits.Length; c++)
            Assert.Equal(explanation.Labels[c].Probability, exp[c] / exp.Sum(), precision: 3);
    }

    [Fact]
    public void contributions_are_listed_strongest_first()
    {
        var label = ModelExplainer.For(models.Linear).Explain("police need warrants for privacy").For("pro-access");

        Assert.NotEmpty(label.Toward);
        Assert.Equal(label.Toward.OrderByDescending(c => c.Push).Select(c => c.Push), label.Toward.Select(c => c.Push));
        Assert.Equal(label.Against.OrderBy(c => c.Push).Select(c => c.Push), label.Against.Select(c => c.Push));
        Assert.All(label.Toward, c => Assert.True(c.Push > 0));
        Assert.All(label.Against, c => Assert.True(c.Push < 0));
        Assert.Contains(label.Toward, c => c.Kind == FeatureKind.Chars);
    }

    [Fact]
    public void a_tree_model_is_refused_with_a_clear_message()
    {
        var trees = ModelStore.Load(models.TreePath);

        var error = Assert.Throws<ClassifierException>(() => ModelExplainer.For(trees));

        Assert.Equal(FailureKind.BadModel, error.Kind);
        Assert.Contains("no linear weights", error.Message);
        Assert.Contains(models.TreePath, error.Message);
    }

    [Theory]
    [InlineData("WordFeatures.warrants", FeatureKind.Word, "warrants")]
    [InlineData("WordFeatures.lawful|access", FeatureKind.WordNgram, "lawful access")]
    [InlineData("Char3Features.<\u2402>|a|b", FeatureKind.Chars, "^ab")]
    [InlineData("Char5Features.n|<\u2420>|t|o|<\u2403>", FeatureKind.Chars, "n_to$")]
    [InlineData("Other.x", FeatureKind.Other, "Other.x")]
    public void slot_names_read_as_words_word_pairs_and_visible_characters(string slot, FeatureKind kind, string display)
    {
        Assert.Equal((kind, display), FeatureNames.Parse(slot));
    }

    [Fact]
    public void the_console_tables_show_every_label_and_the_predicted_one()
    {
        var text = ExplanationTables.Render(ModelExplainer.For(models.Linear).Explain("we need warrants"));

        Assert.StartsWith("predicted: pro-access", text);
        foreach (var label in models.Linear.Labels) Assert.Contains($"toward {label}", text);
        Assert.Contains("warrants", text);
    }
}
