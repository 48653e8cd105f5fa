using System.Diagnostics;
using Classifier.Core;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Quantification;
using Classifier.Core.Scoring;
using Classifier.Core.Scoring.Shards;
using Parquet;
using Parquet.Schema;

namespace Classifier.Parquet;

/// <summary>
/// Scoring into Parquet (from Parquet or CSV), column by column: every input column is written back as
/// it came (same field, same type, same values), then <c>predicted_label</c> (string), <c>confidence</c>
/// and <c>p_&lt;label&gt;</c> (float; null where the text is empty). A Parquet input is read one row
/// group at a time: its text column first (scored in slices), then each other column just before it is
/// written and dropped after, so the output row group is the input's (cut into equal pieces past
/// <see cref="GroupLimits"/>). A CSV input is cut into row groups of <see cref="CsvRowGroupRows"/> rows.
/// Memory holds one row group's texts, one other column and Parquet.Net's page buffers, whatever the
/// file's size (docs/scale.md, "Memory").
/// </summary>
internal static class ParquetScoring
{
    /// <summary>Rows per output row group when the input is CSV.</summary>
    public const int CsvRowGroupRows = 65_536;

    /// <summary>Scores the whole input of <paramref name="job"/> into its Parquet output (atomically).</summary>
    public static ScoringSummary Run(ScoringJobOptions job, ProgressLine? progress, CancellationToken cancel) => Run(job, progress, cancel, GroupLimits.Default);

    /// <summary>As <see cref="Run(ScoringJobOptions, ProgressLine?, CancellationToken)"/>, with other limits for a Parquet input's row groups (tests).</summary>
    internal static ScoringSummary Run(ScoringJobOptions job, ProgressLine? progress, CancellationToken cancel, GroupLimits limits)
    {
        Check(job);
        ScoringJob.CheckPaths(job);
        var (scorer, shares) = Open(job);
        ScoringSummary? summary = null;
        WithErrors(job.OutputPath!, job.ErrorsPath, job.Scoring, (output, problems) =>
        {
            using var chunks = Chunks.Open(job, null, problems);
            summary = Score(scorer, job.Scoring, chunks, output, problems, progress, cancel, limits, shares);
            if (summary.RowsRead == 0)
                throw ClassifierException.Input($"{job.InputPath}: no rows to score: {(problems.Count > 0 ? $"all {problems.Count} data rows are malformed" : "it has no data rows")}.");
            // Written before the output is renamed into place, as a CSV run does.
            if (shares is not null) summary = ShareRun.WriteFile(job, shares, summary);
        });
        return summary!;
    }

    /// <summary>Scores shard <paramref name="shard"/> of <paramref name="job"/> into <c>OUTPUT.part-I-of-N</c> (a Parquet file) and its manifest.</summary>
    public static ShardOutcome RunShard(ScoringJobOptions job, ShardSpec shard, ProgressLine? progress, CancellationToken cancel)
    {
        Check(job);
        var fromParquet = ParquetInput.IsParquet(job.InputPath);
        var identity = fromParquet ? new ParquetShardInput(job.InputPath!, job.Scoring.TextColumn).Identify() : new CsvShardInput(job.InputPath!, job.Scoring.TextColumn).Identify();
        var work = ShardWork.Plan(job, shard, identity, ShardSettings.Of(job.Scoring, "parquet", fromParquet ? 0 : CsvRowGroupRows));
        if (work.SkipReason is not null) return new ShardOutcome(ShardManifest.Read(work.ManifestPath), null, work.SkipReason);
        var (scorer, shares) = Open(job);
        work.Begin();
        ScoringSummary? summary = null;
        ShardSplit? split = null;
        ShardInput? read = null;
        WithErrors(work.PartPath, work.ErrorsPartPath, job.Scoring, (output, problems) =>
        {
            using var chunks = Chunks.Open(job, shard, problems);
            summary = Score(scorer, job.Scoring, chunks, output, problems, progress, cancel, GroupLimits.Default, shares);
            split = chunks.Split;
            read = chunks.WithRead(identity);
        });
        var errorsHeader = work.ErrorsPartPath is null ? 0 : ShardedScoring.HeaderBytes(job.Scoring with { Format = OutputFormat.Csv }, RowProblemLog.Columns);
        return new ShardOutcome(work.Complete(read!, split!, summary!, 0, errorsHeader, ShardedScoring.SaveShares(work, shares, scorer.Labels)), summary, null);
    }

    /// <summary>The scorer and, with --shares, the collector of the scored texts (a card without the statistics fails before any text is scored).</summary>
    private static (BatchScorer Scorer, ShareCollector? Shares) Open(ScoringJobOptions job)
    {
        var model = ModelStore.Load(job.ModelPath);
        var cardStats = ShareRun.CardStats(job);
        var scorer = new BatchScorer(model, job.Scoring.Engine);
        return (scorer, ShareRun.Collector(job, model.Labels, scorer, cardStats));
    }

    /// <summary>
    /// Feeds a scored row group to the shares, row by row in input order: each row's position in the
    /// input (the Parquet row's index in the file, or the CSV record's first byte, as the CSV-output
    /// path keys them) and its --group-by and --date-column cells as the CSV output would show them.
    /// </summary>
    private static void AddShares(ShareCollector shares, Chunks chunks, int rows, Scores result, int labelCount)
    {
        var probabilities = new float[labelCount];
        // Parquet: decoded here and kept for the write (the group reader holds a column until released).
        var groups = shares.GroupIndex >= 0 ? chunks.Column(shares.GroupIndex) : null;
        var dates = shares.DateIndex >= 0 ? chunks.Column(shares.DateIndex) : null;
        for (var i = 0; i < rows; i++)
        {
            if (result.Labels[i] is null) continue;
            for (var l = 0; l < labelCount; l++) probabilities[l] = result.Probabilities[l][i]!.Value;
            var (position, number, line) = chunks.OriginOf(i);
            shares.Add(position, number, line,
                groups is null ? null : ParquetColumns.Format(groups.GetValue(i)),
                dates is null ? null : ParquetColumns.Format(dates.GetValue(i)),
                result.Predicted[i], probabilities);
        }
    }

    private static void Check(ScoringJobOptions job)
    {
        if (job.InputPath is null) throw ClassifierException.Arguments("Parquet output needs --input FILE (CSV or Parquet).");
        if (job.Scoring.Sentences || job.Scoring.Aggregate)
            throw ClassifierException.Arguments("--sentences and --aggregate write CSV or JSON lines, not Parquet: give --output a .csv or .jsonl name.");
    }

    private static void WithErrors(string output, string? errorsPath, ScoringOptions options, Action<Stream, RowProblemLog> score)
    {
        if (errorsPath is null)
        {
            AtomicFile.Write(output, stream => score(stream, new RowProblemLog()));
            return;
        }
        AtomicFile.Write(errorsPath, errors =>
        {
            using var writer = new CsvOutputWriter(errors, options.ExcelSafe);
            var problems = new RowProblemLog(writer);
            AtomicFile.Write(output, stream => score(stream, problems));
            problems.Complete();
        });
    }

    private static ScoringSummary Score(BatchScorer scorer, ScoringOptions options, Chunks chunks, Stream output, RowProblemLog problems, ProgressLine? progress, CancellationToken cancel, GroupLimits limits, ShareCollector? shares = null)
    {
        shares?.Begin(chunks.Name, [.. chunks.Fields.Select(f => f.Name)]);
        var clock = Stopwatch.StartNew();
        var labels = scorer.Labels;
        var fields = new List<DataField>(chunks.Fields);
        fields.Add(new DataField<string>("predicted_label"));
        fields.Add(new DataField<float?>("confidence"));
        fields.AddRange(labels.Select(label => new DataField<float?>($"p_{label}")));
        // Parquet has no room for two columns of one name (CSV output tolerates it; a Parquet reader would not).
        foreach (var added in fields.Skip(chunks.Fields.Count))
        {
            if (chunks.Fields.Any(f => f.Name == added.Name))
                throw ClassifierException.Input($"{chunks.Name}: has a column '{added.Name}' already (scored before?); a Parquet output cannot hold it twice: drop or rename it.");
        }
        long read = 0, scored = 0, empty = 0, uncertain = 0;
        var counts = new long[labels.Count];
        Scores? previous = null;
        using (var writer = new GroupedWriter(new ParquetSchema(fields), output, chunks.RowGroupRows))
        {
            var inputs = chunks.Fields.Count;
            while (chunks.Next() is { } rows)
            {
                cancel.ThrowIfCancellationRequested();
                var result = ScoreTexts(scorer, options, chunks.Texts(), rows, previous);
                previous = result;
                if (shares is not null) AddShares(shares, chunks, rows, result, labels.Count);
                read += rows;
                for (var i = 0; i < rows; i++)
                {
                    if (result.Labels[i] is null) empty++;
                    else
                    {
                        scored++;
                        if (result.Index[i] < 0) uncertain++;
                        else counts[result.Index[i]]++;
                    }
                }
                Array Column(int c) => c < inputs ? chunks.Column(c)
                    : c == inputs ? result.Labels
                    : c == inputs + 1 ? result.Confidence
                    : result.Probabilities[c - inputs - 2];
                var pieces = chunks.Pieces(limits);
                if (pieces == 1)
                {
                    // Column by column: an input column is read (Parquet) just before it is written and
                    // dropped after, so a group holds its texts, one other column and the predictions.
                    writer.Append(rows, Column, chunks.Release);
                }
                else
                {
                    // A group too large for one output group: every column is held (a column chunk is
                    // only read whole) and written in pieces, which bounds the writer's page buffers.
                    var columns = Enumerable.Range(0, fields.Count).Select(Column).ToArray();
                    var size = (rows + pieces - 1) / pieces;
                    for (var at = 0; at < rows; at += size) writer.WriteGroup(columns, at, Math.Min(size, rows - at));
                    for (var c = 0; c < inputs; c++) chunks.Release(c);
                }
                chunks.EndGroup();
                options.AfterBatch?.Invoke();
                progress?.Report(read, chunks.Position, chunks.Length);
            }
        }
        progress?.Finish();
        return new ScoringSummary(read, scored, empty, problems.Count, labels, counts, uncertain, clock.Elapsed) { Engine = scorer.Engine, EngineNote = scorer.EngineNote };
    }

    /// <summary>A row group's predictions; Index is -1 for "uncertain", Predicted is the model's label whatever the confidence (what the shares count).</summary>
    private sealed record Scores(string?[] Labels, int[] Index, int[] Predicted, float?[] Confidence, float?[][] Probabilities);

    /// <summary>
    /// Scores a row group's texts in batches, on up to <see cref="ScoringOptions.Threads"/> cores, a
    /// slice of a few batches per lane at a time with <see cref="ScoringOptions.AfterBatch"/> between
    /// slices: the host paces its heap within a group as it does between CSV batches.
    /// </summary>
    private static Scores ScoreTexts(BatchScorer scorer, ScoringOptions options, string?[] texts, int rows, Scores? reuse)
    {
        var labels = scorer.Labels;
        var result = reuse is not null && reuse.Labels.Length >= rows
            ? reuse
            : new Scores(new string?[rows], new int[rows], new int[rows], new float?[rows], [.. labels.Select(_ => new float?[rows])]);
        // Reused arrays: the rows of this group start with no prediction.
        Array.Clear(result.Labels, 0, rows);
        Array.Clear(result.Confidence, 0, rows);
        foreach (var p in result.Probabilities) Array.Clear(p, 0, rows);
        var size = Math.Max(1, options.BatchSize);
        var lanes = Math.Max(1, options.Threads);
        var slice = size * lanes * 2;
        for (var start = 0; start < rows; start += slice)
        {
            var stop = Math.Min(rows, start + slice);
            var batches = (stop - start + size - 1) / size;
            Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = lanes }, b => ScoreBatch(scorer, options, texts, start + b * size, Math.Min(stop, start + (b + 1) * size), result));
            options.AfterBatch?.Invoke();
        }
        return result;
    }

    private static void ScoreBatch(BatchScorer scorer, ScoringOptions options, string?[] texts, int from, int to, Scores result)
    {
        var labels = scorer.Labels;
        var batch = new string[to - from];
        var rowOf = new int[to - from];
        var m = 0;
        for (var i = from; i < to; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i])) continue;
            batch[m] = texts[i]!;
            rowOf[m++] = i;
        }
        if (m == 0) return;
        var predictions = scorer.Score(batch, m);
        for (var k = 0; k < m; k++)
        {
            var i = rowOf[k];
            var confidence = predictions.Confidence(k);
            var uncertain = options.MinConfidence is { } min && confidence < min;
            result.Labels[i] = uncertain ? ScoringOptions.UncertainLabel : labels[predictions.Predicted[k]];
            result.Index[i] = uncertain ? -1 : predictions.Predicted[k];
            result.Predicted[i] = predictions.Predicted[k];
            result.Confidence[i] = confidence;
            var p = predictions.ProbabilitiesOf(k);
            for (var j = 0; j < p.Length; j++) result.Probabilities[j][i] = p[j];
        }
    }

    /// <summary>
    /// The input cut into row groups: a Parquet file's own (or a shard's), read column by column, or CSV
    /// rows in runs of <see cref="CsvRowGroupRows"/>.
    /// </summary>
    private sealed class Chunks : IDisposable
    {
        private readonly ParquetInput? parquet;
        private readonly IShardRows? csv;
        private readonly int end;
        private int next;
        private ParquetInput.GroupReader? group;
        private string?[]? texts;
        private string?[][]? csvColumns;
        private (long Position, long Number, long Line)[]? csvOrigins;
        private readonly Action? afterBatch;
        private const int CsvPaceRows = 1024;

        private Chunks(ParquetInput parquet, int first, int end, ShardSplit split)
        {
            this.parquet = parquet;
            next = first;
            this.end = end;
            Split = split;
            Fields = [.. parquet.Fields.Select(f => (DataField)f.Clone())];
            TextIndex = parquet.TextIndex;
        }

        private Chunks(IShardRows csv, Action? afterBatch)
        {
            this.csv = csv;
            this.afterBatch = afterBatch;
            Fields = [.. csv.Columns.Select(c => (DataField)new DataField<string>(c))];
            TextIndex = csv.TextIndex;
            Split = csv.Split;
        }

        public IReadOnlyList<DataField> Fields { get; }

        public string Name => parquet?.Path ?? csv!.Name;

        public int TextIndex { get; }

        public ShardSplit Split { get; private set; }

        public int RowGroupRows => parquet is null ? CsvRowGroupRows : 0;

        public long Position => parquet is null ? csv!.Position : parquet.GroupStarts[next];

        public long? Length => parquet is null ? csv!.Length : parquet.Rows;

        public static Chunks Open(ScoringJobOptions job, ShardSpec? shard, RowProblemLog problems)
        {
            var one = shard ?? new ShardSpec(0, 1);
            if (ParquetInput.IsParquet(job.InputPath))
            {
                var input = ParquetInput.Open(job.InputPath!, job.Scoring.TextColumn);
                var split = input.SplitOf(one);
                return new Chunks(input, split.FirstRowGroup, split.EndRowGroup, split);
            }
            return new Chunks(new CsvShardInput(job.InputPath!, job.Scoring.TextColumn).Open(one, job.Scoring, problems), job.Scoring.AfterBatch);
        }

        /// <summary>Where row <paramref name="i"/> of the chunk last returned comes from: its position in the input (as <see cref="SourceRow.Position"/>), row number and line.</summary>
        public (long Position, long Number, long Line) OriginOf(int i)
        {
            if (parquet is null) return csvOrigins![i];
            var index = parquet.GroupStarts[next - 1] + i;
            return (index, index + 1, index + 1);
        }

        public ShardInput WithRead(ShardInput identity) =>
            parquet is null ? csv!.WithRead(identity) : parquet.WithRead(identity, Split.FirstRowGroup, Split.EndRowGroup);

        /// <summary>Moves to the next group and returns its rows (null at the end). Parquet: only its text column is read.</summary>
        public int? Next()
        {
            if (parquet is not null)
            {
                EndGroup();
                if (next >= end) return null;
                group = parquet.OpenGroup(next++);
                texts = (string?[])group.Read(TextIndex);
                return group.Rows;
            }
            var columns = csvColumns ??= [.. Fields.Select(_ => new string?[CsvRowGroupRows])];
            var origins = csvOrigins ??= new (long, long, long)[CsvRowGroupRows];
            var rows = 0;
            while (rows < CsvRowGroupRows && csv!.Next() is { } row)
            {
                for (var c = 0; c < columns.Length; c++) columns[c][rows] = row.Fields[c];
                origins[rows] = (row.Position, row.Number, row.Line);
                // Parsing allocates too: the host paces its heap every batch of rows, as when it scores CSV.
                if (++rows % CsvPaceRows == 0) afterBatch?.Invoke();
            }
            // A short last group leaves the previous group's strings behind it: drop them.
            if (rows < CsvRowGroupRows) foreach (var column in columns) Array.Clear(column, rows, CsvRowGroupRows - rows);
            Split = csv!.Split;
            texts = columns[TextIndex];
            return rows == 0 ? null : rows;
        }

        /// <summary>Output row groups the current group is written as: 1, or more for a Parquet group past <paramref name="limits"/>.</summary>
        public int Pieces(GroupLimits limits) => parquet is null ? 1 : limits.Pieces(group!.Rows, group.Bytes);

        /// <summary>The current group's texts.</summary>
        public string?[] Texts() => texts!;

        /// <summary>Column <paramref name="column"/> of the current group (Parquet: read now, unless it is the text column).</summary>
        public Array Column(int column) =>
            csvColumns is not null ? csvColumns[column] : column == TextIndex ? texts! : group!.Read(column);

        /// <summary>Drops a Parquet column once written (the text column stays until the group ends).</summary>
        public void Release(int column)
        {
            if (group is not null && column != TextIndex && column < Fields.Count) group.Release(column);
        }

        /// <summary>Closes the current Parquet group and drops its texts.</summary>
        public void EndGroup()
        {
            if (group is null) return;
            group.Release(TextIndex);
            group.Dispose();
            group = null;
            texts = null;
        }

        public void Dispose()
        {
            EndGroup();
            parquet?.Dispose();
            csv?.Dispose();
        }
    }
}

/// <summary>
/// When a Parquet input's row group is written as several output row groups: past
/// <see cref="MaxRows"/> rows or <see cref="MaxBytes"/> uncompressed bytes (the footer's size of the
/// group), it is cut into the fewest equal pieces within both. Pieces never span two input groups, so
/// a shard's part holds the very groups a single run writes for its rows.
/// </summary>
internal sealed record GroupLimits(int MaxRows, long MaxBytes)
{
    /// <summary>1,048,576 rows or 256 MB: the writer then buffers at most about that much of a column.</summary>
    public static GroupLimits Default { get; } = new(1 << 20, 256L << 20);

    /// <summary>The pieces a group of <paramref name="rows"/> rows and <paramref name="bytes"/> bytes is written as.</summary>
    public int Pieces(int rows, long bytes)
    {
        var pieces = Math.Max((rows + (long)MaxRows - 1) / MaxRows, (bytes + MaxBytes - 1) / MaxBytes);
        return (int)Math.Clamp(pieces, 1, Math.Max(1, rows));
    }
}

/// <summary>
/// Writes rows to Parquet in row groups: each <see cref="Append"/> as one group (rows per group 0), or
/// runs of exactly N rows whatever the appends (so a merge of parts rebuilds the same groups).
/// </summary>
internal sealed class GroupedWriter : IDisposable
{
    private readonly ParquetWriter writer;
    private readonly IReadOnlyList<DataField> fields;
    private readonly int groupRows;
    private readonly Array[]? pending;
    private int pendingRows;

    /// <summary>A writer of <paramref name="schema"/> to <paramref name="output"/> (left open).</summary>
    public GroupedWriter(ParquetSchema schema, Stream output, int groupRows)
    {
        fields = schema.DataFields;
        this.groupRows = groupRows;
        writer = ParquetWriter.CreateAsync(schema, new SynchronousStream(output), ParquetColumns.Options).GetAwaiter().GetResult();
        if (groupRows > 0) pending = [.. fields.Select(f => Array.CreateInstance(ParquetColumns.ElementType(f), groupRows))];
    }

    /// <summary>Adds the first <paramref name="rows"/> rows of <paramref name="columns"/> (one array per field).</summary>
    public void Append(Array[] columns, int rows) => Append(rows, c => columns[c], null);

    /// <summary>
    /// Adds <paramref name="rows"/> rows whose field <c>c</c> is the first elements of <c>column(c)</c>,
    /// asked for in field order; <paramref name="written"/> is told when a field's array is no longer
    /// needed. When they make a row group by themselves (rows per group 0, or exactly one group's rows
    /// with none pending) the fields are written one at a time as they come, with no copy.
    /// </summary>
    public void Append(int rows, Func<int, Array> column, Action<int>? written)
    {
        if (rows == 0) return;
        if (pending is null || (pendingRows == 0 && rows == groupRows))
        {
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < fields.Count; c++)
            {
                ParquetColumns.Write(group, fields[c], column(c), rows);
                written?.Invoke(c);
            }
            return;
        }
        var columns = new Array[fields.Count];
        for (var c = 0; c < fields.Count; c++) columns[c] = column(c);
        var at = 0;
        while (at < rows)
        {
            var take = Math.Min(rows - at, groupRows - pendingRows);
            for (var c = 0; c < columns.Length; c++) Array.Copy(columns[c], at, pending[c], pendingRows, take);
            pendingRows += take;
            at += take;
            if (pendingRows == groupRows) FlushPending();
        }
        if (written is not null) for (var c = 0; c < fields.Count; c++) written(c);
    }

    private void FlushPending()
    {
        WriteGroup(pending!, pendingRows);
        foreach (var column in pending!) Array.Clear(column);
        pendingRows = 0;
    }

    private void WriteGroup(Array[] columns, int rows) => WriteGroup(columns, 0, rows);

    /// <summary>Writes rows [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="rows"/>) of <paramref name="columns"/> as one row group (rows per group 0 only).</summary>
    public void WriteGroup(Array[] columns, int offset, int rows)
    {
        if (rows == 0) return;
        using var group = writer.CreateRowGroup();
        for (var c = 0; c < fields.Count; c++) ParquetColumns.Write(group, fields[c], columns[c], offset, rows);
    }

    /// <summary>Writes the last, partial row group and the footer.</summary>
    public void Dispose()
    {
        if (pendingRows > 0) FlushPending();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>Merges Parquet parts: every row group of every part, in order, through the same <see cref="GroupedWriter"/> a single run uses.</summary>
internal sealed class ParquetPartMerger : IPartMerger
{
    /// <inheritdoc />
    public void Merge(IReadOnlyList<string> parts, IReadOnlyList<ShardManifest> manifests, Stream output)
    {
        GroupedWriter? writer = null;
        try
        {
            for (var i = 0; i < parts.Count; i++)
            {
                using var stream = File.OpenRead(parts[i]);
                var reader = ParquetReader.CreateAsync(new SynchronousStream(stream), ParquetColumns.Options).GetAwaiter().GetResult();
                try
                {
                    var fields = reader.Schema.DataFields;
                    writer ??= new GroupedWriter(new ParquetSchema(fields.Select(f => (Field)f.Clone())), output, manifests[i].Settings.RowGroupRows);
                    var buffers = new Array[fields.Length];
                    for (var g = 0; g < reader.RowGroupCount; g++)
                    {
                        using var group = reader.OpenRowGroupReader(g);
                        var rows = checked((int)group.RowCount);
                        // The previous group's strings die before this group's are decoded beside them.
                        foreach (var values in buffers) if (values is not null && !values.GetType().GetElementType()!.IsValueType) Array.Clear(values);
                        for (var c = 0; c < fields.Length; c++) buffers[c] = ParquetColumns.Read(group, fields[c], rows, buffers[c]);
                        writer.Append(buffers, rows);
                    }
                }
                finally
                {
                    reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            writer?.Dispose();
        }
    }
}
