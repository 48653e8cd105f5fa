using Classifier.Core.Contract;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace Classifier.Core.Training;

/// <summary>
/// Creates each trainer with its settings. Every trainer runs on one thread: multi-threaded SDCA
/// and FastTree are not reproducible run to run, and reproducibility is a promise we make.
/// </summary>
public static class TrainerCatalog
{
    public static IEstimator<ITransformer> Create(MLContext ml, TrainerKind kind) => kind switch
    {
        TrainerKind.Sdca => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = ModelSchema.LabelKey,
            FeatureColumnName = ModelSchema.Features,
            NumberOfThreads = 1,
            MaximumNumberOfIterations = 100,
            L2Regularization = 1e-4f,
        }),
        TrainerKind.Lbfgs => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = ModelSchema.LabelKey,
            FeatureColumnName = ModelSchema.Features,
            NumberOfThreads = 1,
            L1Regularization = 0f,
            L2Regularization = 0.1f,
        }),
        TrainerKind.FastTree => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                FeatureColumnName = ModelSchema.Features,
                NumberOfThreads = 1,
                NumberOfTrees = 200,
                NumberOfLeaves = 20,
                MinimumExampleCountPerLeaf = 5,
                LearningRate = 0.2,
                Seed = 1,
            }),
            labelColumnName: ModelSchema.LabelKey),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The settings recorded in the model card.</summary>
    public static IReadOnlyDictionary<string, string> Settings(TrainerKind kind) => kind switch
    {
        TrainerKind.Sdca => new Dictionary<string, string>
        {
            ["trainer"] = "SdcaMaximumEntropy", ["maxIterations"] = "100", ["l2"] = "1e-4", ["threads"] = "1",
        },
        TrainerKind.Lbfgs => new Dictionary<string, string>
        {
            ["trainer"] = "LbfgsMaximumEntropy", ["l1"] = "0", ["l2"] = "0.1", ["threads"] = "1",
        },
        TrainerKind.FastTree => new Dictionary<string, string>
        {
            ["trainer"] = "OneVersusAll(FastTreeBinary)", ["trees"] = "200", ["leaves"] = "20", ["minLeaf"] = "5", ["learningRate"] = "0.2", ["threads"] = "1",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
