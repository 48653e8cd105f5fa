using Classifier.Core;

namespace Classifier.Scoring.Tests;

public sealed class OutputSafetyTests : IDisposable
{
    private readonly ScoringRun run = new();

    public void Dispose() => run.Dispose();

    [Fact]
    public void the_program_refuses_to_write_over_its_input_even_with_force()
    {
        var input = run.Write("c.csv", "text\nhello\n");

        Assert.Equal(ExitCodes.BadArguments, run.Run("--input", input, "--output", input, "--force"));
        Assert.Contains("input", run.Stderr);
        Assert.Equal("text\nhello\n", File.ReadAllText(input));
    }

    [Fact]
    public void an_existing_output_is_kept_unless_force_is_given()
    {
        var input = run.Write("c.csv", "text\nhello\n");
        var output = run.Write("out.csv", "precious");

        Assert.Equal(ExitCodes.BadArguments, run.Run("--input", input, "--output", output));
        Assert.Contains("--force", run.Stderr);
        Assert.Equal("precious", File.ReadAllText(output));

        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", output, "--force", "--quiet"));
        Assert.StartsWith("text,predicted_label", File.ReadAllText(output));
    }

    [Fact]
    public void a_failure_midway_leaves_the_previous_output_intact_and_no_temporary_file()
    {
        var rows = string.Concat(Enumerable.Range(1, 3000).Select(i => $"{i},Encryption protects everyone's privacy number {i}.\n"));
        var input = run.Write("c.csv", "id,text\n" + rows + "3001,\"unclosed\n");
        var output = run.Write("out.csv", "previous");

        var code = run.Run("--input", input, "--output", output, "--force", "--strict", "--batch-size", "256");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("previous", File.ReadAllText(output));
        Assert.Equal(["c.csv", "out.csv"], run.Files());
    }

    [Fact]
    public void cancelling_leaves_no_output_file()
    {
        var input = run.Write("c.csv", "text\nhello\nworld\n");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var code = Program.Run(["--input", input, "--output", run.PathOf("out.csv"), "--model", ScoringRun.ShippedModel], new StringWriter(), new StringWriter(), null, false, cancel.Token);

        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Equal(["c.csv"], run.Files());
    }

    [Fact]
    public void excel_safe_neutralizes_cells_that_start_like_formulas()
    {
        var input = run.Write("c.csv", "id,text\n=1+1,\"=HYPERLINK(\"\"http://x\"\")\"\n@sum,+Encryption\n-3,-dash\n");

        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("plain.csv"), "--quiet"));
        Assert.Equal(ExitCodes.Success, run.Run("--input", input, "--output", run.PathOf("safe.csv"), "--excel-safe", "--quiet"));

        var plain = ScoringRun.ReadCsv(run.PathOf("plain.csv")).Rows;
        var safe = ScoringRun.ReadCsv(run.PathOf("safe.csv")).Rows;
        Assert.Equal("=1+1", plain[0][0]);
        Assert.Equal(["'=1+1", "'=HYPERLINK(\"http://x\")"], safe[0][..2]);
        Assert.Equal(["'@sum", "'+Encryption"], safe[1][..2]);
        Assert.Equal(["'-3", "'-dash"], safe[2][..2]);
        // Probabilities are numbers, not text, and are written as they are.
        Assert.DoesNotContain(safe, r => r[3].StartsWith('\''));
    }
}
