using Classifier.Core;
using Classifier.Core.Calibration;
using Classifier.Core.Data;
using Classifier.Core.Model;
using Classifier.Core.Training;
using CsvHelper;
using Classifier.Training.Tests.Support;
using Microsoft.ML;

namespace Classifier.Training.Tests;

/// <summary>The training command's --ood, --misclassified and --calibrate options and its feature-set default, end to end on a small sentence fixture.</summary>
public sealed class EvaluationOptionsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string TrainCsv() => _dir.Write("train.csv", Fixture.Csv(Fixture.Rows()));

    [Fact]
    public void ngrams_stay_the_default_feature_set()
    {
        var model = _dir.File("m.zip");
        var (code, _, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--model", model, "--folds", "2");
        Assert.True(code == 0, err);
        var card = ModelCard.TryRead(model)!;
        Assert.Equal("ngrams", card.FeatureSet);
        Assert.DoesNotContain("MiniLM", card.Features);
        Assert.NotNull(card.Calibration);
        Assert.False(card.Calibration!.Applied);
    }

    [Fact]
    public void misclassified_writes_exactly_the_wrong_test_and_ood_rows_with_probabilities()
    {
        // One row in each file carries the wrong label on purpose; the rest are easy.
        var test = _dir.Write("test.csv", Fixture.Csv(
        [
            new LabeledExample("A court order ought to let the police open a criminal's encrypted phone.", "pro-access"),
            new LabeledExample("Encryption backdoors make everyone's data easy prey for hackers.", "neutral"),
            new LabeledExample("The weather office forecasts sunshine for the weekend.", "neutral"),
        ]));
        var ood = _dir.Write("ood.csv", Fixture.Csv(
        [
            new LabeledExample("The annual budget figures were released by the minister today.", "pro-access"),
            new LabeledExample("Privacy is a right, and strong encryption keeps it safe for everyone.", "pro-privacy"),
        ]));
        var csvPath = _dir.File("wrong.csv");

        var (code, output, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", test, "--ood", ood, "--model", _dir.File("m.zip"),
            "--folds", "2", "--misclassified", csvPath);

        Assert.True(code == 0, err);
        Assert.Contains("Out-of-domain file", output);
        var rows = ReadCsv(csvPath);
        Assert.Equal(["file", "row", "text", "label", "predicted", "confidence", "p:neutral", "p:pro-access", "p:pro-privacy"], rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.Equal([test, "2", "Encryption backdoors make everyone's data easy prey for hackers.", "neutral", "pro-privacy"], rows[1][..5]);
        Assert.Equal([ood, "1", "The annual budget figures were released by the minister today.", "pro-access", "neutral"], rows[2][..5]);
        foreach (var row in rows.Skip(1))
        {
            var p = row[6..].Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), precision: 3);
            Assert.Equal(double.Parse(row[5], System.Globalization.CultureInfo.InvariantCulture), p.Max(), precision: 4);
        }
        var card = ModelCard.TryRead(_dir.File("m.zip"))!;
        Assert.Equal(2, card.Ood!.Rows);
        Assert.Equal(0.5, card.OodMetrics!.Accuracy, precision: 6);
    }

    [Fact]
    public void a_temperature_calibrated_model_loads_in_plain_mlnet_and_its_score_is_the_scaled_probability()
    {
        var data = TrainCsv();
        var plain = _dir.File("plain.zip");
        var calibrated = _dir.File("calibrated.zip");
        Assert.Equal(0, TrainingCommand.Run("--data", data, "--test", "none", "--model", plain, "--folds", "2").Code);
        var (code, _, err) = TrainingCommand.Run("--data", data, "--test", "none", "--model", calibrated, "--folds", "2", "--calibrate", "temperature");
        Assert.True(code == 0, err);

        var card = ModelCard.TryRead(calibrated)!;
        Assert.True(card.Calibration!.Applied);
        var t = card.Calibration.Temperature;
        Assert.NotEqual(1.0, t, precision: 3);
        // No Classifier.Core registration: the calibration is made of stock ML.NET transforms.
        var plainModel = new MLContext().Model.Load(plain, out _);
        var calibratedModel = new MLContext().Model.Load(calibrated, out _);
        string[] texts = ["Police need lawful access to encrypted phones.", "Backdoors weaken everyone's security.", "The match is on Saturday."];
        var raw = ModelTrainer.Predict(plainModel, texts);
        var scaled = ModelTrainer.Predict(calibratedModel, texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = TemperatureScaling.Apply(raw[i], t);
            for (var k = 0; k < expected.Length; k++) Assert.Equal(expected[k], scaled[i][k], precision: 4);
        }
        Assert.Equal(["neutral", "pro-access", "pro-privacy"], ModelStore.Load(calibrated).Labels);
    }

    [Fact]
    public void a_named_ood_file_that_does_not_exist_is_an_input_error()
    {
        var missing = _dir.File("no-such-ood.csv");
        var (code, _, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--ood", missing, "--model", _dir.File("m.zip"), "--folds", "2");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(missing, err);
        Assert.False(File.Exists(_dir.File("m.zip")));
    }

    [Fact]
    public void the_dev_file_is_evaluated_and_split_by_register_in_the_card()
    {
        var rows = Fixture.Rows();
        // Dev rows: the fixture's own sentences in two registers (easy, so figures are high but real).
        var dev = _dir.Write("dev.csv", "text,label,register\n" + string.Concat(rows.Take(12).Select((r, i) =>
            $"\"{r.Text.Replace("\"", "\"\"")}\",{r.Label},{(i % 2 == 0 ? "news" : "court")}\n")));
        var model = _dir.File("m.zip");

        var (code, output, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--dev", dev, "--model", model, "--folds", "2");

        Assert.True(code == 0, err);
        Assert.Contains("Development file by register", output);
        var card = ModelCard.TryRead(model)!;
        Assert.Equal(12, card.DevMetrics!.Rows);
        Assert.Equal("register", card.DevGroupColumn);
        Assert.Equal(["court", "news"], card.DevByGroup!.Select(g => g.Group));
        Assert.Equal([6, 6], card.DevByGroup!.Select(g => g.Rows));
        Assert.All(card.DevByGroup!, g => Assert.InRange(g.Accuracy, 0, 1));
    }

    [Fact]
    public void dev_none_skips_the_dev_evaluation()
    {
        var model = _dir.File("m.zip");
        var (code, _, err) = TrainingCommand.Run("--data", TrainCsv(), "--test", "none", "--dev", "none", "--model", model, "--folds", "2");
        Assert.True(code == 0, err);
        var card = ModelCard.TryRead(model)!;
        Assert.Null(card.DevMetrics);
        Assert.Null(card.DevByGroup);
    }

    [Fact]
    public void an_unknown_feature_set_is_a_bad_argument()
    {
        var (code, _, err) = TrainingCommand.Run("--data", TrainCsv(), "--model", _dir.File("m.zip"), "--features", "bert");
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.StartsWith("error:", err);
    }

    private static List<string[]> ReadCsv(string path)
    {
        var rows = new List<string[]>();
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = false });
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        return rows;
    }
}
