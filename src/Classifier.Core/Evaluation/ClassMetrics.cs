namespace Classifier.Core.Evaluation;

/// <summary>Precision, recall and F1 of one label; Support is its number of true rows.</summary>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);
