using Classifier.Core.Data;
using Classifier.Core.Features;
using Classifier.Core.Model;
using Classifier.Core.Training;

namespace Classifier.Insight.Tests;

/// <summary>
/// Two small models fitted once for all tests on 60 made-up rows: "warrants" occurs only in
/// pro-access rows, "privacy" only in pro-privacy rows, "committee" only in neutral rows.
/// </summary>
public sealed class TinyModels : IDisposable
{
    public static readonly string[] Subjects = ["police", "the ministry", "officials", "the agency", "investigators", "the government", "prosecutors", "the court", "lawmakers", "the service"];

    private readonly TempDir _folder = new();

    public TinyModels()
    {
        Rows = Subjects.SelectMany(s => new[]
        {
            new LabeledExample($"{s} need warrants to read messages of suspects", "pro-access"),
            new LabeledExample($"with warrants {s} could stop crime", "pro-access"),
            new LabeledExample($"{s} must protect privacy and keep messages safe", "pro-privacy"),
            new LabeledExample($"privacy matters more than what {s} want", "pro-privacy"),
            new LabeledExample($"the committee heard {s} on tuesday", "neutral"),
            new LabeledExample($"{s} spoke to the committee about the schedule", "neutral"),
        }).ToArray();

        var options = new TrainingOptions { Features = FeatureOptions.Default with { CharNgramLengths = [3], MaxWordNgrams = 2000, MaxCharNgrams = 2000 } };
        LinearPath = Save(ModelTrainer.Fit(Rows, options with { Trainer = TrainerKind.Sdca }), "linear.zip");
        TreePath = Save(ModelTrainer.Fit(Rows, options with { Trainer = TrainerKind.FastTree }), "trees.zip");
        Linear = ModelStore.Load(LinearPath);
    }

    public IReadOnlyList<LabeledExample> Rows { get; }
    public string LinearPath { get; }
    public string TreePath { get; }
    public LoadedModel Linear { get; }

    public string NewFolder() => _folder.NewFolder();

    public void Dispose() => _folder.Dispose();

    private string Save(TrainedModel model, string name)
    {
        var path = _folder.File(name);
        ModelStore.Save(model, path);
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelsCollection : ICollectionFixture<TinyModels>
{
    public const string Name = "tiny models";
}
