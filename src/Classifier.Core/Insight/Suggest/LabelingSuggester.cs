using System.Globalization;
using Classifier.Core.Data;
using Classifier.Core.IO;
using Classifier.Core.Model;
using Classifier.Core.Training;
using CsvHelper;

namespace Classifier.Core.Insight.Suggest;

/// <summary>
/// Uncertainty sampling: streams an unlabeled CSV, scores it, and keeps the rows with the lowest
/// margin between the top two probabilities, de-duplicated by <see cref="TextKey"/> and spread over
/// the corpus by position. Memory holds the keys seen and Count rows per bucket, not the corpus.
/// </summary>
internal static class LabelingSuggester
{
    /// <summary>The first columns match the training file, so labeled rows can be appended as they are.</summary>
    public static IReadOnlyList<string> LeadingColumns { get; } = ["text", "label", "source"];

    public static SuggestionResult Choose(LoadedModel model, string corpusPath, SuggestOptions options)
    {
        if (options.Count < 1) throw ClassifierException.Arguments($"the number of suggestions must be positive (got {options.Count}).");
        if (options.Buckets < 1) throw ClassifierException.Arguments($"the number of corpus buckets must be positive (got {options.Buckets}).");

        // A first, cheap pass counts rows so each row's bucket is known while streaming the second.
        var total = Stream(corpusPath, options, (_, _, _) => { });
        var pools = Enumerable.Range(0, options.Buckets).Select(_ => new PriorityQueue<Suggestion, double>()).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long duplicates = 0, alreadyLabeled = 0, empty = 0;
        var batch = new List<(long Row, string Text, string Source)>(options.BatchSize);
        var fallbackSource = Path.GetFileName(corpusPath);

        void Flush()
        {
            if (batch.Count == 0) return;
            var scores = ModelTrainer.Predict(model.Transformer, batch.Select(b => b.Text));
            for (var i = 0; i < batch.Count; i++)
            {
                var (row, text, source) = batch[i];
                var (margin, best) = Margin(scores[i]);
                var pool = pools[Math.Min(options.Buckets - 1, (int)((row - 1) * options.Buckets / Math.Max(1, total)))];
                // Max-heap by margin: the least useful candidate is the one to drop.
                pool.Enqueue(new Suggestion(row, text, source, scores[i], margin, model.Labels[best]), -margin);
                if (pool.Count > options.Count) pool.Dequeue();
            }
            batch.Clear();
        }

        Stream(corpusPath, options, (row, text, source) =>
        {
            if (string.IsNullOrWhiteSpace(text)) { empty++; return; }
            var key = TextKey.Of(text);
            if (options.AlreadyLabeled.Contains(key)) { alreadyLabeled++; return; }
            if (!seen.Add(key)) { duplicates++; return; }
            batch.Add((row, text, source.Length > 0 ? source : fallbackSource));
            if (batch.Count >= options.BatchSize) Flush();
        });
        Flush();

        return new SuggestionResult(model.Labels, Spread(pools, options.Count), total, empty, duplicates, alreadyLabeled);
    }

    /// <summary>Takes the best of each bucket in turn, so every part of the corpus is asked about; lowest margin first.</summary>
    private static IReadOnlyList<Suggestion> Spread(PriorityQueue<Suggestion, double>[] pools, int count)
    {
        var sorted = pools.Select(p => p.UnorderedItems.Select(x => x.Element).OrderBy(s => s.Margin).ThenBy(s => s.Row).ToArray()).ToArray();
        var chosen = new List<Suggestion>(count);
        for (var rank = 0; chosen.Count < count && sorted.Any(s => s.Length > rank); rank++)
        {
            // Within a round, the most torn buckets go first so a short final round keeps the hardest rows.
            foreach (var s in sorted.Where(s => s.Length > rank).Select(s => s[rank]).OrderBy(s => s.Margin))
            {
                if (chosen.Count == count) break;
                chosen.Add(s);
            }
        }
        return chosen.OrderBy(s => s.Margin).ThenBy(s => s.Row).ToArray();
    }

    public static (double Margin, int Best) Margin(IReadOnlyList<float> probabilities)
    {
        int best = 0, second = -1;
        for (var i = 1; i < probabilities.Count; i++)
        {
            if (probabilities[i] > probabilities[best]) { second = best; best = i; }
            else if (second < 0 || probabilities[i] > probabilities[second]) second = i;
        }
        return (second < 0 ? 1 : probabilities[best] - probabilities[second], best);
    }

    /// <summary>
    /// Writes the suggestions atomically: text, an empty label, source, then margin, predicted label,
    /// one probability per label (p_&lt;label&gt;) and the corpus row, to help whoever labels them.
    /// </summary>
    public static void Write(SuggestionResult result, string outputPath)
    {
        AtomicFile.EnsureWritableFolder(outputPath, "suggestions");
        AtomicFile.Write(outputPath, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n", Injection = CsvInjection.Escape }, leaveOpen: true);
            foreach (var name in LeadingColumns.Concat(["margin", "predicted"]).Concat(result.Labels.Select(l => $"p_{l}")).Append("corpus_row"))
                csv.WriteField(name);
            csv.EndRecord();
            foreach (var s in result.Chosen)
            {
                csv.WriteField(s.Text);
                csv.WriteField(ReadOnlySpan<char>.Empty);
                csv.WriteField(s.Source);
                csv.WriteField(s.Margin.ToString("0.0000", CultureInfo.InvariantCulture));
                csv.WriteField(s.Predicted);
                foreach (var p in s.Probabilities) csv.WriteField(p.ToString("0.0000", CultureInfo.InvariantCulture));
                csv.WriteField(s.Row.ToString(CultureInfo.InvariantCulture));
                csv.EndRecord();
            }
            csv.Flush();
        });
    }

    /// <summary>The near-duplicate keys of a labeled file's texts, to skip rows already labeled.</summary>
    public static IReadOnlySet<string> KeysOf(string labeledPath, string textColumn = "text", string labelColumn = "label") =>
        LabeledCsv.Read(labeledPath, textColumn, labelColumn).Rows.Select(r => TextKey.Of(r.Text)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Streams every data row of the corpus as (1-based row, text, source); returns the row count.</summary>
    private static long Stream(string path, SuggestOptions options, Action<long, string, string> onRow)
    {
        return StrictCsv.Read(path, (reader, headers) =>
        {
            var textIndex = StrictCsv.Column(path, headers, options.TextColumn, "text");
            var sourceIndex = StrictCsv.IndexOf(headers, options.SourceColumn);
            long rows = 0;
            while (reader.Read())
            {
                rows++;
                onRow(rows, reader.GetString(textIndex), sourceIndex is { } s ? reader.GetString(s) : "");
            }
            return rows;
        });
    }
}
