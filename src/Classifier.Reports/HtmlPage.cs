using System.Globalization;
using System.Net;
using System.Text;

namespace Classifier.Reports;

/// <summary>A small, self-contained HTML page (inline style, no scripts) of headings, figures and tables.</summary>
internal sealed class HtmlPage(string title)
{
    private readonly StringBuilder _body = new();

    public static string E(string text) => WebUtility.HtmlEncode(text);

    public static string F(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);

    public HtmlPage Heading(string text)
    {
        _body.Append("<h2>").Append(E(text)).AppendLine("</h2>");
        return this;
    }

    public HtmlPage Paragraph(string text)
    {
        _body.Append("<p>").Append(E(text)).AppendLine("</p>");
        return this;
    }

    public HtmlPage Figure(string file, string caption)
    {
        _body.Append("<figure><img src=\"").Append(E(file)).Append("\" alt=\"").Append(E(caption)).Append("\"><figcaption>")
             .Append(E(caption)).AppendLine("</figcaption></figure>");
        return this;
    }

    /// <summary>A table; the first column is a row header.</summary>
    public HtmlPage Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.AppendLine("<table>");
        _body.Append("<tr>").Append(string.Concat(header.Select(h => $"<th>{E(h)}</th>"))).AppendLine("</tr>");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            for (var i = 0; i < row.Count; i++) _body.Append(i == 0 ? $"<th>{E(row[i])}</th>" : $"<td>{E(row[i])}</td>");
            _body.AppendLine("</tr>");
        }
        _body.AppendLine("</table>");
        return this;
    }

    public override string ToString() =>
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{E(title)}}</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
        table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.7em; text-align: right; }
        tr > th:first-child { text-align: left; }
        th { background: #f3f3f3; }
        figure { display: inline-block; margin: 0 1em 1em 0; }
        img { max-width: 100%; border: 1px solid #eee; }
        figcaption { font-size: 0.9em; color: #555; }
        </style>
        </head>
        <body>
        <h1>{{E(title)}}</h1>
        {{_body}}</body>
        </html>

        """;
}
