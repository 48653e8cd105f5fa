using System.Text.RegularExpressions;
using Classifier.Onnx;

namespace Classifier.Onnx.Tests;

/// <summary>deploy/spark/score_onnx.py feeds and fetches what the exported model really has.</summary>
public sealed class SparkRecipeTests(ExportedModelFixture exported) : IClassFixture<ExportedModelFixture>
{
    private static readonly string Script = File.ReadAllText(Repo.File("deploy", "spark", "score_onnx.py"));

    private static string Constant(string name) => Regex.Match(Script, $"^{name} = \"([^\"]*)\"", RegexOptions.Multiline).Groups[1].Value;

    [Fact]
    public void the_spark_recipe_feeds_the_models_string_input_as_one_element_arrays()
    {
        var input = Assert.Single(exported.Session.InputMetadata);
        Assert.Equal(input.Key, Constant("INPUT_NAME"));
        Assert.Equal(typeof(string), input.Value.ElementType);
        // [N, 1]: each row carries a one-element array, which ONNXModel stacks into N.
        Assert.Equal([-1, 1], input.Value.Dimensions);
        Assert.Contains(".setFeedDict({INPUT_NAME: \"text_1\"})", Script);
        Assert.Contains("F.array(F.coalesce(F.col(text_column), F.lit(\"\")))", Script);
    }

    [Fact]
    public void the_spark_recipe_fetches_the_models_outputs_and_names_the_scores_from_its_metadata()
    {
        Assert.Equal(OnnxExport.PredictedLabelOutput, Constant("LABEL_OUTPUT"));
        Assert.Equal(OnnxExport.ScoreOutput, Constant("SCORE_OUTPUT"));
        Assert.Contains(Constant("LABEL_OUTPUT"), exported.Session.OutputMetadata.Keys);
        Assert.Contains(Constant("SCORE_OUTPUT"), exported.Session.OutputMetadata.Keys);
        Assert.Equal(typeof(string), exported.Session.OutputMetadata[Constant("LABEL_OUTPUT")].ElementType);
        Assert.Equal(typeof(float), exported.Session.OutputMetadata[Constant("SCORE_OUTPUT")].ElementType);
        Assert.Contains(".setFetchDict({\"label\": LABEL_OUTPUT, \"scores\": SCORE_OUTPUT})", Script);
        Assert.Equal(OnnxExport.ScoreLabelsKey, Constant("LABELS_KEY"));
        var labels = System.Text.Json.JsonSerializer.Deserialize<string[]>(exported.Session.ModelMetadata.CustomMetadataMap[Constant("LABELS_KEY")]);
        Assert.Equal(exported.Model.Labels, labels);
    }
}
