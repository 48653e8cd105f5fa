using System.Globalization;
using Classifier.Core.Contract;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace Classifier.Core.Training;

/// <summary>
/// Creates each trainer with its settings. Every trainer runs on one thread: multi-threaded SDCA
/// and FastTree are not reproducible run to run, and reproducibility is a promise we make.
/// </summary>
internal static class TrainerCatalog
{
    // One place for each setting: used to build the trainer and recorded in the model card.
    private const int SdcaIterations = 100;
    private const float SdcaL2 = 1e-4f;
    private const float LbfgsL2 = 0.1f;
    private const int Trees = 200;
    private const int Leaves = 20;
    private const int MinLeaf = 5;
    private const double LearningRate = 0.2;

    public static IEstimator<ITransformer> Create(MLContext ml, TrainerKind kind, float? l2 = null) => kind switch
    {
        TrainerKind.Sdca => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = ModelSchema.LabelKey,
            FeatureColumnName = ModelSchema.Features,
            NumberOfThreads = 1,
            MaximumNumberOfIterations = SdcaIterations,
            L2Regularization = l2 ?? SdcaL2,
        }),
        TrainerKind.Lbfgs => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = ModelSchema.LabelKey,
            FeatureColumnName = ModelSchema.Features,
            NumberOfThreads = 1,
            L1Regularization = 0f,
            L2Regularization = l2 ?? LbfgsL2,
        }),
        TrainerKind.FastTree => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                FeatureColumnName = ModelSchema.Features,
                NumberOfThreads = 1,
                NumberOfTrees = Trees,
                NumberOfLeaves = Leaves,
                MinimumExampleCountPerLeaf = MinLeaf,
                LearningRate = LearningRate,
                Seed = 1,
            }),
            labelColumnName: ModelSchema.LabelKey),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The settings recorded in the model card.</summary>
    public static IReadOnlyDictionary<string, string> Settings(TrainerKind kind, float? l2 = null) => kind switch
    {
        TrainerKind.Sdca => Describe(("trainer", "SdcaMaximumEntropy"), ("maxIterations", SdcaIterations), ("l2", l2 ?? SdcaL2), ("threads", 1)),
        TrainerKind.Lbfgs => Describe(("trainer", "LbfgsMaximumEntropy"), ("l1", 0), ("l2", l2 ?? LbfgsL2), ("threads", 1)),
        TrainerKind.FastTree => Describe(("trainer", "OneVersusAll(FastTreeBinary)"), ("trees", Trees), ("leaves", Leaves),
            ("minLeaf", MinLeaf), ("learningRate", LearningRate), ("threads", 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static Dictionary<string, string> Describe(params (string Key, object Value)[] settings) =>
        settings.ToDictionary(s => s.Key, s => Convert.ToString(s.Value, CultureInfo.InvariantCulture)!);
}
