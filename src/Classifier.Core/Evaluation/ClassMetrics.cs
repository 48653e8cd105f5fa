namespace Classifier.Core.Evaluation;

/// <summary>Precision, recall and F1 of one label; Support is its number of true rows.</summary>
/// <param name="Label">The label's name.</param>
/// <param name="Precision">Of the rows predicted as this label, the share that are.</param>
/// <param name="Recall">Of the rows that are this label, the share predicted so.</param>
/// <param name="F1">The harmonic mean of precision and recall.</param>
/// <param name="Support">The number of rows whose true label this is.</param>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);
