namespace Classifier.Core.Calibration;

/// <summary>Calibration error of one labeled file before and after temperature scaling.</summary>
public sealed record CalibrationFigures(string File, int Rows, double EceBefore, double EceAfter, double LogLossBefore, double LogLossAfter);

/// <summary>
/// What the card says about calibration: the temperature fitted on cross-validation out-of-fold
/// predictions, whether the saved model applies it, and ECE (10 bins, top-label confidence) before/after.
/// </summary>
public sealed record CalibrationInfo(
    string Method,
    double Temperature,
    bool Applied,
    string FittedOn,
    int Bins,
    IReadOnlyList<CalibrationFigures> Figures);
