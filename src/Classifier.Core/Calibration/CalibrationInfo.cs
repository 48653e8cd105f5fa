namespace Classifier.Core.Calibration;

/// <summary>Calibration error of one labeled file before and after temperature scaling.</summary>
/// <param name="File">The labeled file the figures are on.</param>
/// <param name="Rows">Its rows.</param>
/// <param name="EceBefore">Expected calibration error of the raw probabilities.</param>
/// <param name="EceAfter">Expected calibration error after temperature scaling.</param>
/// <param name="LogLossBefore">Log-loss of the raw probabilities.</param>
/// <param name="LogLossAfter">Log-loss after temperature scaling.</param>
public sealed record CalibrationFigures(string File, int Rows, double EceBefore, double EceAfter, double LogLossBefore, double LogLossAfter);

/// <summary>
/// What the card says about calibration: the temperature fitted on cross-validation out-of-fold
/// predictions, whether the saved model applies it, and ECE (10 bins, top-label confidence) before/after.
/// </summary>
/// <param name="Method">How probabilities are calibrated (<c>temperature</c>).</param>
/// <param name="Temperature">The fitted temperature T (probabilities become softmax(log p / T)); 1 changes nothing.</param>
/// <param name="Applied">Whether the saved model applies the temperature, so its Score column is already calibrated.</param>
/// <param name="FittedOn">What the temperature was fitted on (the cross-validation out-of-fold predictions).</param>
/// <param name="Bins">Confidence bins used for ECE.</param>
/// <param name="Figures">ECE and log-loss before and after, per evaluated file.</param>
public sealed record CalibrationInfo(
    string Method,
    double Temperature,
    bool Applied,
    string FittedOn,
    int Bins,
    IReadOnlyList<CalibrationFigures> Figures);
