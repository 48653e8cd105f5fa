namespace Classifier.Core.Quantification;

/// <summary>
/// Per-text bootstrap weights for a streaming (Poisson) bootstrap: in each replicate a text counts
/// Poisson(1) times, which for large groups is the same as resampling the group's texts with
/// replacement, but needs no second pass and no memory per text. The weights are a pure function
/// of (seed, the text's position in the input, replicate), so the order in which threads finish cannot change them.
/// </summary>
internal static class PoissonWeights
{
    private const int Bits = 12;
    private const int PerHash = 64 / Bits;

    // Weight of each 12-bit uniform draw: P(X ≤ w) for X ~ Poisson(1), in steps of 1/4096 (the
    // probabilities are off by at most 1.2e-4, which the bootstrap cannot see). 32 KB: stays in cache.
    private static readonly double[] Table = BuildTable();

    /// <summary>Fills <paramref name="weights"/> (one per replicate) for the text at <paramref name="position"/>.</summary>
    public static void Fill(ulong seed, long position, Span<double> weights) => Fill(seed, position, 0, weights);

    /// <summary>
    /// Fills <paramref name="weights"/> (one per replicate) for unit <paramref name="unit"/> (a sentence's
    /// 1-based index with --sentences, else 0) of the record at <paramref name="position"/>. The position
    /// must be one every process computes the same for the same text (a CSV record's first byte, a Parquet
    /// row's index in the file), never a count of the texts seen so far, so that shards draw what one
    /// process draws.
    /// </summary>
    public static void Fill(ulong seed, long position, int unit, Span<double> weights)
    {
        var key = Mix((ulong)position + 0x9E3779B97F4A7C15UL);
        if (unit != 0) key = Mix(key ^ ((ulong)(uint)unit * 0xD6E8FEB86659FD93UL));
        // SplitMix64 seeded by (seed, position, unit): five 12-bit draws from each 64-bit output.
        var state = Mix(seed ^ key);
        var table = Table;
        var b = 0;
        while (b < weights.Length)
        {
            state += 0x9E3779B97F4A7C15UL;
            var h = Mix(state);
            for (var j = 0; j < PerHash && b < weights.Length; j++, b++)
            {
                weights[b] = table[(int)(h & ((1 << Bits) - 1))];
                h >>= Bits;
            }
        }
    }

    /// <summary>SplitMix64's finalizer: a fast, well-mixed 64-bit hash.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double[] BuildTable()
    {
        var size = 1 << Bits;
        var table = new double[size];
        double p = Math.Exp(-1), cumulative = p;
        var w = 0;
        for (var u = 0; u < size; u++)
        {
            // u stands for the interval [u, u + 1) / size; its midpoint decides its weight.
            while ((u + 0.5) / size >= cumulative && w < 20)
            {
                w++;
                p /= w;
                cumulative += p;
            }
            table[u] = w;
        }
        return table;
    }
}

/// <summary>A small deterministic generator (SplitMix64) for the calibration resamples: seeded per replicate, so replicates are independent of each other and of threads.</summary>
internal struct SplitMix(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return PoissonWeights.Mix(_state);
    }

    /// <summary>A uniform integer in [0, n).</summary>
    public int Below(int n) => (int)((Next() >> 32) * (ulong)n >> 32);
}
