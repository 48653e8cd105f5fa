using Classifier.Core.Data;
using Classifier.Onnx;
using Classifier.Core.Training;

namespace Classifier.Onnx.Tests;

public sealed class OnnxParityTests(ExportedModelFixture exported) : IClassFixture<ExportedModelFixture>
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void onnx_runtime_and_mlnet_agree_on_every_held_out_row()
    {
        var rows = LabeledCsv.Read(RepoFiles.TestCsv, "text", "label").Rows;
        var texts = rows.Select(r => r.Text).ToArray();

        var expected = ModelTrainer.Predict(exported.Model.Transformer, texts);
        var (labels, scores) = OnnxScoring.Score(exported.Session, texts);

        Assert.Equal(texts.Length, labels.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            var expectedLabel = exported.Model.Labels[Array.IndexOf(expected[i], expected[i].Max())];
            Assert.True(expectedLabel == labels[i], $"row {i + 1}: ML.NET says '{expectedLabel}', ONNX Runtime '{labels[i]}': {texts[i]}");
            for (var j = 0; j < expected[i].Length; j++)
            {
                var difference = Math.Abs(expected[i][j] - scores[i][j]);
                Assert.True(difference <= Tolerance,
                    $"row {i + 1}, '{exported.Model.Labels[j]}': ML.NET {expected[i][j]:R}, ONNX Runtime {scores[i][j]:R} (off by {difference:G3}): {texts[i]}");
            }
        }
    }

    [Fact]
    public void scoring_one_row_at_a_time_gives_the_batch_result()
    {
        string[] texts = ["Backdoors weaken encryption for everyone.", "Police need lawful access to stop child abuse.", "The bill was debated on Tuesday."];
        var (batchLabels, batchScores) = OnnxScoring.Score(exported.Session, texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var (label, score) = OnnxScoring.Score(exported.Session, [texts[i]]);
            Assert.Equal(batchLabels[i], label[0]);
            // Same features either way; only float summation order may differ.
            Assert.Equal(batchScores[i], score[0], (a, b) => Math.Abs(a - b) <= 1e-6f);
        }
    }

    [Fact]
    public void punctuation_separators_empty_text_and_padding_tokens_score_as_in_mlnet()
    {
        // Separators that are regex metacharacters, '#' (ML.NET's own padding token), an empty and a
        // very short row padded to the longest in the batch, curly quotes and dashes, upper-case letters with diacritics.
        string[] texts =
        [
            "Is it (really) safe? [No.] {Never!} a.b/c -- end # # #",
            "",
            "x",
            "\u201CEnd-to-end\u201D encryption \u2014 it\u2019s the law\u2026 or is it?",
            "Government ACCESS, now: 100% of messages; 0 exceptions!",
            "\u00C9COLE, \u00DCBER und CAF\u00C9: Stra\u00DFe, na\u00EFve \u00C5NGSTR\u00D6M.",
        ];
        var expected = ModelTrainer.Predict(exported.Model.Transformer, texts);
        var (_, scores) = OnnxScoring.Score(exported.Session, texts);
        for (var i = 0; i < texts.Length; i++)
            for (var j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - scores[i][j]) <= Tolerance, $"row {i + 1} ('{texts[i]}'), slot {j}: ML.NET {expected[i][j]}, ONNX Runtime {scores[i][j]}");
    }

    [Fact]
    public void non_ascii_upper_case_letters_lower_case_as_in_mlnet_without_any_locale()
    {
        // The exported normalizer runs in the "C" locale (ASCII only); these need the dictionaries'
        // upper-case spellings: accented capitals, Greek and Cyrillic, the Kelvin sign (lowers to 'k'),
        // the titlecase digraph, and dotted I (which invariant lower-casing leaves alone).
        string[] texts =
        [
            "\u00C9NCRYPTION PROT\u00C8GE LA VIE PRIV\u00C9E; \u00DCBERWACHUNG IST GEF\u00C4HRLICH.",
            "The \u212Anown BACKDOOR \u212Aeys weaken security for everyone.",
            "\u0391\u03A3\u03A6\u0391\u039B\u0395\u0399\u0391 \u0438 \u041F\u0420\u0418\u0412\u0410\u0422\u041D\u041E\u0421\u0422\u042C: police need a WARRANT.",
            "\u01C5 \u01C4 \u0130stanbul \u0130 \u00D8RESUND \u00C6SIR \u0152UVRE \u1E9E",
            "\u00C9cole \u00E9cole \u00C9COLE Caf\u00E9 CAF\u00C9 na\u00EFve NA\u00CFVE",
        ];
        var expected = ModelTrainer.Predict(exported.Model.Transformer, texts);
        var (labels, scores) = OnnxScoring.Score(exported.Session, texts);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(exported.Model.Labels[Array.IndexOf(expected[i], expected[i].Max())], labels[i]);
            for (var j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - scores[i][j]) <= Tolerance, $"row {i + 1} ('{texts[i]}'), slot {j}: ML.NET {expected[i][j]}, ONNX Runtime {scores[i][j]}");
        }
    }

    [Theory]
    [InlineData("\u00E9cole", new[] { "\u00C9cole" })]
    [InlineData("k", new[] { "\u212A" })]
    [InlineData("plain", new string[0])]
    [InlineData("\u00FC\u00E9", new[] { "\u00DC\u00E9", "\u00FC\u00C9", "\u00DC\u00C9" })]
    public void a_vocabulary_word_gains_the_spellings_mlnet_lower_cases_to_it(string word, string[] spellings) =>
        Assert.Equal(spellings.Order(StringComparer.Ordinal), LocaleFreeLowering.Spellings(word).Order(StringComparer.Ordinal));

    [Fact]
    public void exported_model_reads_text_and_returns_label_names_and_scores_named_in_its_metadata()
    {
        var input = Assert.Single(exported.Session.InputMetadata);
        Assert.Equal(OnnxExport.InputName, input.Key);
        Assert.Equal(typeof(string), input.Value.ElementType);
        Assert.Equal([-1, 1], input.Value.Dimensions);

        Assert.Equal([OnnxExport.PredictedLabelOutput, OnnxExport.ScoreOutput], exported.Session.OutputMetadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(typeof(string), exported.Session.OutputMetadata[OnnxExport.PredictedLabelOutput].ElementType);
        Assert.Equal([-1, 1], exported.Session.OutputMetadata[OnnxExport.PredictedLabelOutput].Dimensions);
        Assert.Equal(typeof(float), exported.Session.OutputMetadata[OnnxExport.ScoreOutput].ElementType);
        Assert.Equal([-1, exported.Model.Labels.Count], exported.Session.OutputMetadata[OnnxExport.ScoreOutput].Dimensions);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(exported.Model.Labels), exported.Session.ModelMetadata.CustomMetadataMap[OnnxExport.ScoreLabelsKey]);
        var (labels, _) = OnnxScoring.Score(exported.Session, ["Strong encryption protects journalists and dissidents."]);
        Assert.Contains(labels[0], exported.Model.Labels);
    }
}
