namespace Classifier.Core.Scoring;

/// <summary>
/// Keeps a streaming run's heap flat. A run allocates about a kilobyte per row, nearly all of it dead
/// a batch later, but the GC sizes its young generation from the CPU cache (32 MB of L3 here gave
/// 100-150 MB between collections, and the GCgen0size settings are ignored with regions), so the
/// peak memory depended on the machine rather than on what the run holds. Collecting the young
/// generation every <see cref="Budget"/> bytes costs a few milliseconds per collection, since only
/// the batches in flight survive.
/// </summary>
internal sealed class HeapPacer
{
    public const long Budget = 32L << 20;

    private long next = GC.GetTotalAllocatedBytes() + Budget;

    public void Tick()
    {
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated < next) return;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
        next = allocated + Budget;
    }
}
