using Classifier.Core;
using Classifier.Core.Scoring;

namespace Classifier.Scoring.Tests;

public sealed class SentenceTests : IDisposable
{
    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    private const string NewsParagraph =
        "Mr. Barr met U.K. officials on Oct. 4 in Washington. Prices rose 3.5% in the U.S. last year, " +
        "the report said. \"We will not build a back door,\" said Dr. Jane Smith (of Signal Inc.). " +
        "Is that enough? The Senate vote is set for Jan. 12! (Officials declined to comment.) " +
        "John F. Kennedy was mentioned, e.g. in the hearing.";

    [Fact]
    public void splitter_keeps_abbreviations_decimals_and_dates_inside_sentences()
    {
        var sentences = SentenceSplitter.Split(NewsParagraph);

        Assert.Equal(
        [
            "Mr. Barr met U.K. officials on Oct. 4 in Washington.",
            "Prices rose 3.5% in the U.S. last year, the report said.",
            "\"We will not build a back door,\" said Dr. Jane Smith (of Signal Inc.).",
            "Is that enough?",
            "The Senate vote is set for Jan. 12!",
            "(Officials declined to comment.)",
            "John F. Kennedy was mentioned, e.g. in the hearing.",
        ], sentences);
    }

    [Fact]
    public void splitter_ends_a_sentence_after_an_acronym_when_a_new_sentence_starts()
    {
        Assert.Equal(["He moved to the U.S.", "The move was quiet."], SentenceSplitter.Split("He moved to the U.S. The move was quiet."));
    }

    [Fact]
    public void splitter_ends_a_sentence_at_a_closing_quote_and_at_a_blank_line()
    {
        Assert.Equal(["\"Stop.\"", "Then he left", "New paragraph."], SentenceSplitter.Split("\"Stop.\" Then he left\n\nNew paragraph."));
        Assert.Empty(SentenceSplitter.Split("  \n "));
    }

    [Fact]
    public void splitter_cuts_the_seed_article_into_its_ten_sentences()
    {
        var text = ScoringRun.ReadCsv(Path.Combine(ScoringRun.RepoRoot, "seeds", "seed-article.csv")).Rows.Single()[2];

        var sentences = SentenceSplitter.Split(text);

        Assert.Equal(10, sentences.Count);
        Assert.StartsWith("Attorney General Bill Barr", sentences[0]);
        Assert.StartsWith("A draft of the letter dated October 4", sentences[1]);
        Assert.StartsWith("\"Companies should not deliberately design", sentences[4]);
        Assert.StartsWith("A Facebook spokesperson", sentences[8]);
    }

    [Fact]
    public void sentences_option_writes_one_row_per_sentence_with_the_source_columns_and_sentence_index()
    {
        var input = run.Write("news.csv", "id,text\n7,\"" + NewsParagraph.Replace("\"", "\"\"") + "\"\n8,Short one.\n");
        var output = run.PathOf("scored.csv");

        var code = run.Run("--input", input, "--output", output, "--sentences", "--quiet");

        Assert.Equal(ExitCodes.Success, code);
        var (header, rows) = ScoringRun.ReadCsv(output);
        Assert.Equal(["id", "text", "sentence_index", "predicted_label", "confidence", "p_neutral", "p_pro-access", "p_pro-privacy"], header);
        Assert.Equal(8, rows.Count);
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], rows.Take(7).Select(r => r[2]));
        Assert.All(rows.Take(7), r => Assert.Equal("7", r[0]));
        Assert.Equal("Is that enough?", rows[3][1]);
        Assert.Equal(["8", "Short one.", "1"], rows[7][..3]);
    }

    [Fact]
    public void aggregate_writes_one_row_per_input_row_with_count_and_share_of_each_label()
    {
        var input = Path.Combine(ScoringRun.RepoRoot, "seeds", "seed-article.csv");
        var output = run.PathOf("aggregate.csv");

        var code = run.Run("--input", input, "--output", output, "--sentences", "--aggregate", "--quiet");

        Assert.Equal(ExitCodes.Success, code);
        var (header, rows) = ScoringRun.ReadCsv(output);
        Assert.Equal(["id", "date", "text", "sentences", "n_neutral", "n_pro-access", "n_pro-privacy", "share_neutral", "share_pro-access", "share_pro-privacy"], header);
        var row = Assert.Single(rows);
        Assert.Equal("10", row[3]);
        Assert.Equal(10, row[4..7].Sum(int.Parse));
        Assert.Equal(1.0, row[7..10].Sum(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), 4);
        // The article reports a letter asking for access: most of its sentences read pro-access.
        Assert.True(int.Parse(row[5]) >= 5, $"pro-access sentences: {row[5]}");
    }

    [Fact]
    public void aggregate_without_sentences_is_a_bad_argument()
    {
        var input = run.Write("c.csv", "text\nhello\n");
        Assert.Equal(ExitCodes.BadArguments, run.Run("--input", input, "--output", run.PathOf("o.csv"), "--aggregate"));
        Assert.Contains("--sentences", run.Stderr);
    }
}
