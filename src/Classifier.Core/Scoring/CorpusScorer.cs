using System.Diagnostics;

namespace Classifier.Core.Scoring;

/// <summary>
/// The streaming engine: reads rows from an <see cref="IRowSource"/>, cuts them (or their sentences)
/// into batches, scores up to <see cref="ScoringOptions.Threads"/> batches at once with
/// <see cref="BatchScorer"/>, and writes the results in input order. Only a few batches are in memory
/// at any time, whatever the input size.
/// </summary>
public sealed class CorpusScorer(BatchScorer scorer, ScoringOptions options)
{
    private readonly IReadOnlyList<string> labels = scorer.Labels;

    /// <summary>The output header for a source with <paramref name="columns"/>.</summary>
    public IReadOnlyList<string> OutputColumns(IReadOnlyList<string> columns)
    {
        var names = new List<string>(columns);
        if (options.Sentences && options.Aggregate)
        {
            names.Add("sentences");
            foreach (var label in CountedLabels()) names.Add($"n_{label}");
            foreach (var label in CountedLabels()) names.Add($"share_{label}");
            return names;
        }
        if (options.Sentences) names.Add("sentence_index");
        names.Add("predicted_label");
        names.Add("confidence");
        foreach (var label in labels) names.Add($"p_{label}");
        return names;
    }

    public ScoringSummary Score(IRowSource source, IRecordWriter writer, RowProblemLog problems, ProgressLine? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var run = new Run(options, labels, source, writer);
        writer.Header(OutputColumns(source.Columns));

        var inFlight = new Queue<Batch>();
        // Two batches per lane in flight, so a lane never waits for the reader or the writer.
        var limit = 2 * Math.Max(1, options.Threads) + 1;
        var batch = new Batch(options.BatchSize);
        var pacer = new HeapPacer();
        try
        {
            while (source.Next() is { } row)
            {
                cancel.ThrowIfCancellationRequested();
                run.RowsRead++;
                AddUnits(batch, row, source.TextIndex);
                if (batch.IsFull(options))
                {
                    Submit(batch, inFlight);
                    batch = new Batch(options.BatchSize);
                    while (inFlight.Count >= limit) run.Write(inFlight.Dequeue());
                    pacer.Tick();
                }
                progress?.Report(run.RowsRead, source.Position, source.Length);
            }
            if (batch.Units.Count > 0) Submit(batch, inFlight);
            while (inFlight.Count > 0)
            {
                cancel.ThrowIfCancellationRequested();
                run.Write(inFlight.Dequeue());
            }
            writer.Flush();
        }
        finally
        {
            // On failure, let running batches finish before the caller deletes the output.
            foreach (var pending in inFlight)
            {
                try { pending.Scoring?.Wait(); } catch (AggregateException) { }
            }
            progress?.Finish();
        }

        return new ScoringSummary(run.RowsRead, run.Scored, run.Empty, problems.Count, labels, run.LabelCounts, run.Uncertain, clock.Elapsed)
        {
            Engine = scorer.Engine,
            EngineNote = scorer.EngineNote,
        };
    }

    private void AddUnits(Batch batch, SourceRow row, int textIndex)
    {
        var text = row.Fields[textIndex];
        if (!options.Sentences)
        {
            batch.Add(row, -1, string.IsNullOrWhiteSpace(text) ? null : text, lastOfRow: true);
            return;
        }
        var sentences = SentenceSplitter.Split(text);
        if (sentences.Count == 0)
        {
            batch.Add(row, -1, null, lastOfRow: true);
            return;
        }
        for (var i = 0; i < sentences.Count; i++) batch.Add(row, i + 1, sentences[i], lastOfRow: i == sentences.Count - 1);
    }

    private void Submit(Batch batch, Queue<Batch> inFlight)
    {
        if (batch.TextCount > 0)
        {
            var texts = batch.Texts;
            var count = batch.TextCount;
            batch.Scoring = options.Threads <= 1
                ? Task.FromResult(scorer.Score(texts, count))
                : Task.Run(() => scorer.Score(texts, count));
        }
        inFlight.Enqueue(batch);
    }

    private IEnumerable<string> CountedLabels() =>
        options.MinConfidence is null ? labels : labels.Append(ScoringOptions.UncertainLabel);

    /// <summary>A text to score (or an empty one to pass through) and the row it came from.</summary>
    private readonly record struct Unit(SourceRow Row, int Sentence, string? Text, int Slot, bool LastOfRow);

    private sealed class Batch(int capacity)
    {
        public List<Unit> Units { get; } = new(capacity);

        public string[] Texts { get; private set; } = new string[capacity];

        public int TextCount { get; private set; }

        public long Chars { get; private set; }

        public Task<BatchPredictions>? Scoring { get; set; }

        public void Add(SourceRow row, int sentence, string? text, bool lastOfRow)
        {
            var slot = -1;
            if (text is not null)
            {
                slot = TextCount++;
                if (slot >= Texts.Length)
                {
                    // A row's sentences all go in one batch, however many there are.
                    var grown = Texts;
                    Array.Resize(ref grown, Texts.Length * 2);
                    Texts = grown;
                }
                Texts[slot] = text;
                Chars += text.Length;
            }
            Units.Add(new Unit(row, sentence, text, slot, lastOfRow));
        }

        // A batch closes only between rows, so a row's sentences may overflow the nominal size.
        public bool IsFull(ScoringOptions options) => Units.Count >= capacity || Chars >= options.BatchChars;
    }

    /// <summary>The writing side of one run: counts, aggregation state and the output.</summary>
    private sealed class Run(ScoringOptions options, IReadOnlyList<string> labels, IRowSource source, IRecordWriter writer)
    {
        private readonly long[] rowCounts = new long[labels.Count + 1];
        private int rowSentences;

        public long RowsRead { get; set; }

        public long Scored { get; private set; }

        public long Empty { get; private set; }

        public long Uncertain { get; private set; }

        public long[] LabelCounts { get; } = new long[labels.Count];

        public void Write(Batch batch)
        {
            var predictions = batch.Scoring?.GetAwaiter().GetResult();
            foreach (var unit in batch.Units)
            {
                var label = -1;
                if (unit.Slot < 0) Empty++;
                else
                {
                    Scored++;
                    label = Label(predictions!, unit.Slot);
                    if (label == labels.Count) Uncertain++;
                    else LabelCounts[label]++;
                }

                if (options.Sentences && options.Aggregate)
                {
                    if (label >= 0)
                    {
                        rowCounts[label]++;
                        rowSentences++;
                    }
                    if (unit.LastOfRow) WriteAggregate(unit.Row);
                }
                else
                {
                    WriteUnit(unit, predictions, label);
                }
            }
        }

        /// <summary>The label index, or labels.Count for "uncertain".</summary>
        private int Label(BatchPredictions predictions, int slot) =>
            options.MinConfidence is { } min && predictions.Confidence(slot) < min ? labels.Count : predictions.Predicted[slot];

        private void WriteUnit(Unit unit, BatchPredictions? predictions, int label)
        {
            var fields = unit.Row.Fields;
            for (var i = 0; i < fields.Length; i++)
            {
                // With --sentences the text column holds the sentence scored, not the whole cell.
                writer.Text(options.Sentences && i == source.TextIndex && unit.Text is not null ? unit.Text : fields[i]);
            }
            if (options.Sentences)
            {
                if (unit.Sentence > 0) writer.Integer(unit.Sentence);
                else writer.Empty();
            }
            if (label < 0)
            {
                for (var j = 0; j < labels.Count + 2; j++) writer.Empty();
            }
            else
            {
                writer.Text(label == labels.Count ? ScoringOptions.UncertainLabel : labels[label]);
                writer.Number(predictions!.Confidence(unit.Slot));
                foreach (var p in predictions.ProbabilitiesOf(unit.Slot)) writer.Number(p);
            }
            writer.EndRecord();
        }

        private void WriteAggregate(SourceRow row)
        {
            foreach (var field in row.Fields) writer.Text(field);
            writer.Integer(rowSentences);
            var counted = options.MinConfidence is null ? labels.Count : labels.Count + 1;
            for (var j = 0; j < counted; j++) writer.Integer(rowCounts[j]);
            for (var j = 0; j < counted; j++)
            {
                if (rowSentences == 0) writer.Empty();
                else writer.Number(rowCounts[j] / (float)rowSentences);
            }
            writer.EndRecord();
            Array.Clear(rowCounts);
            rowSentences = 0;
        }
    }
}
