using System.Collections.Concurrent;
using System.Diagnostics;

namespace Classifier.Core.Scoring;

/// <summary>
/// The streaming engine: reads rows from an <see cref="IRowSource"/>, cuts them (or their sentences)
/// into batches, scores up to <see cref="ScoringOptions.Threads"/> batches at once with
/// <see cref="BatchScorer"/>, and writes the results in input order. Only a few batches are in memory
/// at any time, whatever the input size.
/// </summary>
internal sealed class CorpusScorer(BatchScorer scorer, ScoringOptions options)
{
    private readonly IReadOnlyList<string> labels = scorer.Labels;

    /// <summary>Also receives every scored text, in input order (e.g. for share estimates); null for none.</summary>
    public IScoredUnitSink? Sink { get; init; }

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

    /// <summary>Scores <paramref name="source"/> and writes the header and every row to <paramref name="output"/>, in input order.</summary>
    public ScoringSummary Score(IRowSource source, Stream output, RowProblemLog problems, ProgressLine? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        Sink?.Begin(source.Name, source.Columns);
        var columns = OutputColumns(source.Columns);
        using (var header = RecordWriters.Create(options.Format, output, options.ExcelSafe))
        {
            header.Header(columns);
            header.Flush();
        }

        var totals = new Counts(labels.Count);
        var renderers = new ConcurrentBag<Renderer>();
        var inFlight = new Queue<Batch>();
        // Two batches per lane in flight, so a lane never waits for the reader or the writer.
        var limit = 2 * Math.Max(1, options.Threads) + 1;
        var batch = new Batch(options.BatchSize);
        long rowsRead = 0;

        // The lanes score and also format their batch; this thread only reads and copies bytes out.
        void Drain(Batch done)
        {
            var renderer = done.Work!.GetAwaiter().GetResult();
            renderer.CopyTo(output, totals);
            renderers.Add(renderer);
            if (Sink is not null) Feed(done);
        }

        try
        {
            while (source.Next() is { } row)
            {
                cancel.ThrowIfCancellationRequested();
                rowsRead++;
                AddUnits(batch, row, source.TextIndex);
                if (batch.IsFull(options))
                {
                    Submit(batch, inFlight, renderers, source.TextIndex, columns);
                    batch = new Batch(options.BatchSize);
                    while (inFlight.Count >= limit) Drain(inFlight.Dequeue());
                    options.AfterBatch?.Invoke();
                }
                progress?.Report(rowsRead, source.Position, source.Length);
            }
            if (batch.Units.Count > 0) Submit(batch, inFlight, renderers, source.TextIndex, columns);
            while (inFlight.Count > 0)
            {
                cancel.ThrowIfCancellationRequested();
                Drain(inFlight.Dequeue());
            }
            output.Flush();
        }
        finally
        {
            // On failure, let running batches finish before the caller deletes the output.
            foreach (var pending in inFlight)
            {
                try { pending.Work?.Wait(); } catch (AggregateException) { }
            }
            foreach (var renderer in renderers) renderer.Dispose();
            progress?.Finish();
        }

        return new ScoringSummary(rowsRead, totals.Scored, totals.Empty, problems.Count, labels, totals.LabelCounts, totals.Uncertain, clock.Elapsed)
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

    private void Submit(Batch batch, Queue<Batch> inFlight, ConcurrentBag<Renderer> renderers, int textIndex, IReadOnlyList<string> columns)
    {
        Renderer Work()
        {
            var predictions = batch.TextCount > 0 ? scorer.Score(batch.Texts, batch.TextCount) : null;
            batch.Predictions = predictions;
            if (!renderers.TryTake(out var renderer)) renderer = new Renderer(options, labels, textIndex, columns);
            renderer.Render(batch, predictions);
            return renderer;
        }
        batch.Work = options.Threads <= 1 ? Task.FromResult(Work()) : Task.Run(Work);
        inFlight.Enqueue(batch);
    }

    private void Feed(Batch done)
    {
        foreach (var unit in done.Units)
        {
            if (unit.Slot >= 0) Sink!.Add(unit.Row, Math.Max(0, unit.Sentence), done.Predictions!.Predicted[unit.Slot], done.Predictions.ProbabilitiesOf(unit.Slot));
        }
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

        /// <summary>Scoring and formatting the batch; done, it holds the batch's output.</summary>
        public Task<Renderer>? Work { get; set; }

        /// <summary>The model's answers for the batch's texts, once scored.</summary>
        public BatchPredictions? Predictions { get; set; }

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

    /// <summary>What a run counted: rows scored, empty and uncertain, and each label.</summary>
    private sealed class Counts(int labelCount)
    {
        public long Scored { get; set; }

        public long Empty { get; set; }

        public long Uncertain { get; set; }

        public long[] LabelCounts { get; } = new long[labelCount];

        public void Add(Counts other)
        {
            Scored += other.Scored;
            Empty += other.Empty;
            Uncertain += other.Uncertain;
            for (var i = 0; i < LabelCounts.Length; i++) LabelCounts[i] += other.LabelCounts[i];
        }

        public void Clear()
        {
            Scored = Empty = Uncertain = 0;
            Array.Clear(LabelCounts);
        }
    }

    /// <summary>
    /// Formats one batch at a time into its own buffer (CSV or JSON lines, with the counts), on the lane
    /// that scored it. Reused from batch to batch; the reading thread copies each buffer out in order.
    /// </summary>
    private sealed class Renderer : IDisposable
    {
        private readonly ScoringOptions options;
        private readonly IReadOnlyList<string> labels;
        private readonly int textIndex;
        private readonly MemoryStream buffer = new();
        private readonly IRecordWriter writer;
        private readonly Counts counts;
        private readonly long[] rowCounts;
        private int rowSentences;

        public Renderer(ScoringOptions options, IReadOnlyList<string> labels, int textIndex, IReadOnlyList<string> columns)
        {
            this.options = options;
            this.labels = labels;
            this.textIndex = textIndex;
            writer = RecordWriters.Create(options.Format, buffer, options.ExcelSafe);
            writer.UseColumns(columns);
            counts = new Counts(labels.Count);
            rowCounts = new long[labels.Count + 1];
        }

        public void Render(Batch batch, BatchPredictions? predictions)
        {
            buffer.SetLength(0);
            counts.Clear();
            foreach (var unit in batch.Units)
            {
                var label = -1;
                if (unit.Slot < 0) counts.Empty++;
                else
                {
                    counts.Scored++;
                    label = Label(predictions!, unit.Slot);
                    if (label == labels.Count) counts.Uncertain++;
                    else counts.LabelCounts[label]++;
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
            writer.Flush();
        }

        public void CopyTo(Stream output, Counts totals)
        {
            output.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            totals.Add(counts);
        }

        public void Dispose() => writer.Dispose();

        /// <summary>The label index, or labels.Count for "uncertain".</summary>
        private int Label(BatchPredictions predictions, int slot) =>
            options.MinConfidence is { } min && predictions.Confidence(slot) < min ? labels.Count : predictions.Predicted[slot];

        private void WriteUnit(Unit unit, BatchPredictions? predictions, int label)
        {
            var fields = unit.Row.Fields;
            for (var i = 0; i < fields.Length; i++)
            {
                // With --sentences the text column holds the sentence scored, not the whole cell.
                writer.Text(options.Sentences && i == textIndex && unit.Text is not null ? unit.Text : fields[i]);
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
