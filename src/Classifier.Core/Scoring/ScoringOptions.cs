namespace Classifier.Core.Scoring;

/// <summary>Output formats of a scoring run.</summary>
public enum OutputFormat
{
    /// <summary>Comma-separated, with the input's columns and the label and probabilities after them.</summary>
    Csv,
    /// <summary>One JSON object per line.</summary>
    Jsonl,
}

/// <summary>What runs the model on each batch.</summary>
public enum ScoringEngine
{
    /// <summary>The compiled form when the model has one (n-gram or n-gram + embeddings logistic regression), else ML.NET.</summary>
    Auto,

    /// <summary>The compiled form, or fail if the model cannot be compiled.</summary>
    Compiled,

    /// <summary>ML.NET's model.Transform over each batch.</summary>
    MlNet,
}

/// <summary>How a corpus is scored. Immutable: derive variants with <c>with</c>.</summary>
public sealed record ScoringOptions
{
    /// <summary>The header name of the column to classify.</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>How the output is written.</summary>
    public OutputFormat Format { get; init; } = OutputFormat.Csv;

    /// <summary>Score each sentence of the text rather than the whole cell.</summary>
    public bool Sentences { get; init; }

    /// <summary>With <see cref="Sentences"/>: one row per input row with the count and share of each label.</summary>
    public bool Aggregate { get; init; }

    /// <summary>Below this confidence the label written is <see cref="UncertainLabel"/>; null for never.</summary>
    public float? MinConfidence { get; init; }

    /// <summary>Stop at the first malformed row instead of skipping and counting it.</summary>
    public bool Strict { get; init; }

    /// <summary>Neutralize text cells a spreadsheet would run as a formula (=, +, -, @).</summary>
    public bool ExcelSafe { get; init; }

    /// <summary>Concurrent scoring lanes; defaults to the core count.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Texts per model.Transform batch.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Characters per batch at most, so a few huge cells do not make one huge batch.</summary>
    public int BatchChars { get; init; } = 4 << 20;

    /// <summary>What runs the model: see <see cref="ScoringEngine"/>.</summary>
    public ScoringEngine Engine { get; init; } = ScoringEngine.Auto;

    /// <summary>
    /// Called on the reading thread each time a batch is handed to a lane (a hook for the host
    /// process: the scoring program paces its heap from here); null for nothing.
    /// </summary>
    public Action? AfterBatch { get; init; }

    /// <summary>The label written for a row below <see cref="MinConfidence"/>.</summary>
    public const string UncertainLabel = "uncertain";
}
