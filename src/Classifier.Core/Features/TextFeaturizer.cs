using Classifier.Core.Contract;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Classifier.Core.Features;

/// <summary>
/// Builds the text featurizer from individual ML.NET transforms rather than one FeaturizeText,
/// because each of these has an ONNX exporter and the dictionaries are explicit (no hashing).
/// </summary>
internal static class TextFeaturizer
{
    // Splitting on punctuation as well as spaces keeps "encryption," and "encryption" one token.
    internal static readonly char[] WordSeparators =
        [' ', '\t', '\r', '\n', ',', '.', ';', ':', '!', '?', '"', '(', ')', '[', ']', '{', '}', '\u201C', '\u201D', '\u2018', '\u2019', '\u2014', '\u2013', '/'];

    public static IEstimator<ITransformer> Build(MLContext ml, FeatureOptions options)
    {
        if (options.Set == FeatureSet.Embeddings)
        {
            var only = SentenceEmbeddings.Required("--features embeddings");
            return only.CreateMapping(ml, options.EmbeddingsPrecision).Append(ml.Transforms.Concatenate(ModelSchema.Features, only.OutputColumnFor(options.EmbeddingsPrecision)));
        }
        // Checked before the n-gram chain is built, so a missing package fails at once.
        var embeddings = options.Set == FeatureSet.Both ? SentenceEmbeddings.Required("--features both") : null;

        var weighting = options.UseTfIdf ? NgramExtractingEstimator.WeightingCriteria.TfIdf : NgramExtractingEstimator.WeightingCriteria.Tf;
        var blocks = new List<string>();

        IEstimator<ITransformer> chain = ml.Transforms.Text.NormalizeText(
            "NormalizedText", ModelSchema.Text,
            caseMode: TextNormalizingEstimator.CaseMode.Lower,
            keepDiacritics: true, keepPunctuations: true, keepNumbers: true);

        chain = chain
            .Append(ml.Transforms.Text.TokenizeIntoWords("Words", "NormalizedText", WordSeparators))
            .Append(ml.Transforms.Conversion.MapValueToKey("WordKeys", "Words"))
            .Append(ml.Transforms.Text.ProduceNgrams("WordNgrams", "WordKeys",
                ngramLength: options.WordNgramLength, useAllLengths: true,
                maximumNgramsCount: options.MaxWordNgrams, weighting: weighting))
            .Append(ml.Transforms.NormalizeLpNorm("WordFeatures", "WordNgrams"));
        blocks.Add("WordFeatures");

        if (options.CharNgramLengths.Count > 0)
        {
            chain = chain.Append(ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "NormalizedText", useMarkerCharacters: true));
            foreach (var n in options.CharNgramLengths)
            {
                chain = chain
                    .Append(ml.Transforms.Text.ProduceNgrams($"Char{n}Ngrams", "Chars",
                        ngramLength: n, useAllLengths: false, maximumNgramsCount: options.MaxCharNgrams, weighting: weighting))
                    .Append(ml.Transforms.NormalizeLpNorm($"Char{n}Features", $"Char{n}Ngrams"));
                blocks.Add($"Char{n}Features");
            }
        }

        if (embeddings is not null)
        {
            chain = chain.Append(embeddings.CreateMapping(ml, options.EmbeddingsPrecision));
            blocks.Add(embeddings.OutputColumnFor(options.EmbeddingsPrecision));
        }

        return chain.Append(ml.Transforms.Concatenate(ModelSchema.Features, [.. blocks]));
    }
}
