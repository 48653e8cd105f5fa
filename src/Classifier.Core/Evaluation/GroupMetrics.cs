namespace Classifier.Core.Evaluation;

/// <summary>
/// Figures of one group of an evaluated file (for example one <c>register</c> of the dev file).
/// Macro-F1 averages only the labels the group holds true rows of, so a group written for one label
/// (off-topic rows are all neutral) is not marked down for labels it cannot have.
/// </summary>
/// <param name="Group">The group's value (for example <c>news</c>).</param>
/// <param name="Rows">The group's rows.</param>
/// <param name="MacroF1">Mean F1 over the labels the group has true rows of.</param>
/// <param name="Accuracy">The share of the group's rows predicted right.</param>
public sealed record GroupMetrics(string Group, int Rows, double MacroF1, double Accuracy)
{
    /// <summary>Figures per distinct value of <paramref name="groups"/>, ordinal-sorted by group.</summary>
    /// <param name="labels">Label names in the order of the probability vectors.</param>
    /// <param name="truth">Index into <paramref name="labels"/> of each row's true label.</param>
    /// <param name="probabilities">Each row's probability per label.</param>
    /// <param name="groups">Each row's group.</param>
    public static IReadOnlyList<GroupMetrics> Compute(
        IReadOnlyList<string> labels, IReadOnlyList<int> truth, IReadOnlyList<float[]> probabilities, IReadOnlyList<string> groups)
    {
        if (truth.Count != probabilities.Count || truth.Count != groups.Count) throw new ArgumentException("One truth, probability vector and group per row is needed.");
        return Enumerable.Range(0, truth.Count)
            .GroupBy(i => groups[i], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var rows = g.ToList();
                var report = EvaluationReport.Compute(labels, rows.Select(i => truth[i]).ToList(), rows.Select(i => probabilities[i]).ToList());
                var present = report.PerClass.Where(m => m.Support > 0).ToList();
                return new GroupMetrics(g.Key, rows.Count, present.Average(m => m.F1), report.Accuracy);
            })
            .ToList();
    }
}
