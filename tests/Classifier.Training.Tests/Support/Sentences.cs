using System.Text;
using Classifier.Core.Data;

namespace Classifier.Training.Tests.Support;

/// <summary>
/// A few dozen labeled sentences whose classes differ in meaning and wording, so a model trained on
/// them in seconds separates them (encoding costs ~15 ms a row: keep fixtures small).
/// </summary>
public static class Fixture
{
    private static readonly string[] Access =
    [
        "Police need a warrant that can open encrypted phones of suspects.",
        "Investigators must be able to read the messages of criminals with a court order.",
        "Lawful access to encrypted chats would help catch child abusers.",
        "Tech firms should build a way for detectives to access content under warrant.",
        "Encryption lets terrorists plan attacks out of reach of the courts.",
        "A judge's order should unlock a criminal's messaging account.",
        "Law enforcement is going dark because companies lock them out.",
        "Prosecutors want providers to hand over decrypted evidence.",
        "Security services argue they need exceptional access to stop crime.",
        "Platforms must not shield predators behind unbreakable encryption.",
    ];

    private static readonly string[] Privacy =
    [
        "A backdoor for the police weakens security for everyone.",
        "Strong encryption protects journalists, activists and ordinary people.",
        "Any key held for the government will eventually be stolen by hackers.",
        "Breaking end-to-end encryption would expose our private conversations.",
        "Privacy is a human right and encryption keeps it safe.",
        "Scanning everyone's messages is mass surveillance.",
        "Weakening encryption puts banks and hospitals at risk of attack.",
        "Users deserve messages that nobody else can read, not even the state.",
        "Cryptographers warn that exceptional access cannot be built safely.",
        "Encryption shields dissidents from authoritarian governments.",
    ];

    private static readonly string[] Neutral =
    [
        "The committee will meet on Tuesday to discuss the report.",
        "The minister published the annual budget figures this morning.",
        "Heavy rain is expected across the region over the weekend.",
        "The football match ended in a draw after extra time.",
        "The company released a new version of its messaging app.",
        "The conference on cybersecurity opens in Berlin next month.",
        "Parliament adjourned until the autumn session.",
        "The survey asked a thousand adults about their phone habits.",
        "The museum reopened after a two-year renovation.",
        "Shares in the telecom group rose three percent.",
    ];

    public static IReadOnlyList<LabeledExample> Rows() =>
        Access.Select(t => new LabeledExample(t, "pro-access"))
            .Concat(Privacy.Select(t => new LabeledExample(t, "pro-privacy")))
            .Concat(Neutral.Select(t => new LabeledExample(t, "neutral")))
            .ToArray();

    public static string Csv(IEnumerable<LabeledExample> rows)
    {
        var sb = new StringBuilder("text,label\n");
        foreach (var r in rows) sb.Append('"').Append(r.Text.Replace("\"", "\"\"")).Append("\",").Append(r.Label).Append('\n');
        return sb.ToString();
    }
}

/// <summary>Runs the training command in-process.</summary>
public static class TrainingCommand
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Classifier.Training.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
