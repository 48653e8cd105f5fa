namespace Classifier.Core.Quantification;

/// <summary>
/// Per-text bootstrap weights for a streaming (Poisson) bootstrap: in each replicate a text counts
/// Poisson(1) times, which for large groups is the same as resampling the group's texts with
/// replacement, but needs no second pass and no memory per text. The weights are a pure function
/// of (seed, text position, replicate), so the order in which threads finish cannot change them.
/// </summary>
public static class PoissonWeights
{
    // P(X ≤ w) for X ~ Poisson(1), scaled to 2^32; a uniform 32-bit draw below Thresholds[w] has weight ≤ w.
    private static readonly ulong[] Thresholds = BuildThresholds();

    /// <summary>Fills <paramref name="weights"/> (one per replicate) for the text at <paramref name="position"/>.</summary>
    public static void Fill(ulong seed, long position, Span<byte> weights)
    {
        var key = Mix(seed ^ Mix((ulong)position + 0x9E3779B97F4A7C15UL));
        for (var b = 0; b < weights.Length; b += 2)
        {
            var h = Mix(key + (ulong)b * 0xD1B54A32D192ED03UL);
            weights[b] = Weight(h & 0xFFFFFFFFUL);
            if (b + 1 < weights.Length) weights[b + 1] = Weight(h >> 32);
        }
    }

    /// <summary>SplitMix64's finalizer: a fast, well-mixed 64-bit hash.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static byte Weight(ulong uniform)
    {
        // Most draws stop at 0, 1 or 2 (92%).
        byte w = 0;
        while (w < Thresholds.Length && uniform >= Thresholds[w]) w++;
        return w;
    }

    private static ulong[] BuildThresholds()
    {
        var list = new List<ulong>();
        double p = Math.Exp(-1), cumulative = 0;
        for (var w = 0; w < 12; w++)
        {
            cumulative += p;
            list.Add((ulong)Math.Round(Math.Min(cumulative, 1) * 4294967296.0));
            p /= w + 1;
        }
        return [.. list];
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
