using Classifier.Core.IO;

namespace Classifier.Core.Trust;

/// <summary>
/// The sidecar <c>NAME.embeddings.bin</c> beside an embeddings model's card: a seeded sample of at most
/// <see cref="MaxVectors"/> unit-length training embeddings (little-endian: "CLEMB001", count, dimension,
/// then count × dimension float32), for the drift check's nearest-training-text distance.
/// </summary>
internal static class EmbeddingSample
{
    /// <summary>Vectors kept (1,000 × 384 floats ≈ 1.5 MB).</summary>
    public const int MaxVectors = 1000;

    /// <summary>Training texts held back from the sample to measure the baseline distance.</summary>
    public const int BaselineTexts = 200;

    private const string Magic = "CLEMB001";

    /// <summary>The sidecar's path for a model zip.</summary>
    public static string PathFor(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + ".embeddings.bin");
    }

    /// <summary>Writes the vectors atomically.</summary>
    public static void Write(string path, IReadOnlyList<float[]> vectors)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true);
            writer.Write(Magic.ToCharArray());
            writer.Write(vectors.Count);
            writer.Write(vectors.Count == 0 ? 0 : vectors[0].Length);
            foreach (var v in vectors)
                foreach (var x in v) writer.Write(x);
        });
    }

    /// <summary>Reads a sidecar, or fails with a one-line error naming it.</summary>
    public static float[][] Read(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (new string(reader.ReadChars(Magic.Length)) != Magic) throw ClassifierException.Model($"{path}: not a training-embedding sample.");
            var count = reader.ReadInt32();
            var dimension = reader.ReadInt32();
            if (count < 0 || dimension < 0 || (long)count * dimension * 4 > reader.BaseStream.Length) throw ClassifierException.Model($"{path}: the embedding sample is truncated.");
            var vectors = new float[count][];
            for (var i = 0; i < count; i++)
            {
                vectors[i] = new float[dimension];
                for (var j = 0; j < dimension; j++) vectors[i][j] = reader.ReadSingle();
            }
            return vectors;
        }
        catch (EndOfStreamException)
        {
            throw ClassifierException.Model($"{path}: the embedding sample is truncated.");
        }
    }

    /// <summary>Cosine distance from <paramref name="v"/> to its nearest vector in <paramref name="sample"/>.</summary>
    public static double NearestDistance(float[] v, IReadOnlyList<float[]> sample)
    {
        var vn = Norm(v);
        var best = double.MaxValue;
        foreach (var s in sample)
        {
            double dot = 0;
            for (var i = 0; i < v.Length; i++) dot += v[i] * s[i];
            var d = 1 - dot / Math.Max(1e-12, vn * Norm(s));
            if (d < best) best = d;
        }
        return best;
    }

    private static double Norm(float[] v)
    {
        double sum = 0;
        foreach (var x in v) sum += x * x;
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// Picks the sample and the held-back baseline texts (seeded), embeds them with <paramref name="embed"/>,
    /// writes the sidecar and returns the baseline distance.
    /// </summary>
    public static double Build(IReadOnlyList<string> texts, Func<string, float[]> embed, string path, int seed)
    {
        var order = Enumerable.Range(0, texts.Count).ToArray();
        new Random(seed).Shuffle(order);
        var held = Math.Min(BaselineTexts, texts.Count / 5);
        var sample = order.Skip(held).Take(MaxVectors).Select(i => embed(texts[i])).ToArray();
        Write(path, sample);
        return held == 0 ? 0 : order.Take(held).Average(i => NearestDistance(embed(texts[i]), sample));
    }
}
