namespace Classifier.Scoring;

/// <summary>
/// Keeps a streaming run's heap flat. A run allocates about a kilobyte per row, nearly all of it dead
/// a batch later, but the GC sizes its young generation from the CPU cache (32 MB of L3 here gave
/// 100-150 MB between collections, and the GCgen0size settings are ignored with regions), so the
/// peak memory depended on the machine rather than on what the run holds. Collecting the young
/// generation every <see cref="Budget"/> bytes costs a few milliseconds per collection, since only
/// the batches in flight survive. Forcing collections is the process's business, not a library's,
/// so the scoring program installs this through <see cref="Core.Scoring.ScoringOptions.AfterBatch"/>.
/// </summary>
internal sealed class HeapPacer
{
    /// <summary>Bytes allocated between young-generation collections.</summary>
    public const long Budget = 32L << 20;

    private long next = GC.GetTotalAllocatedBytes() + Budget;
    private long fullAt = 4 * Budget;

    /// <summary>
    /// Collects the young generation when <see cref="Budget"/> more bytes were allocated since the last
    /// time, and the whole heap when it has grown 4 budgets past what survived the last full collection.
    /// The second matters for Parquet: a row group's texts live while it is scored, so the young
    /// collections promote them, and the old generation otherwise grew with the file (620 MB peak at
    /// 1,000,000 rows, 1,010 MB at 10,000,000). A fixed margin rather than a multiple of the survivors:
    /// with twice the survivors, a collection that happened to run while a group was in flight let the
    /// heap double until the next one.
    /// </summary>
    public void Tick()
    {
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated < next) return;
        next = allocated + Budget;
        if (GC.GetTotalMemory(forceFullCollection: false) > fullAt)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
            fullAt = GC.GetTotalMemory(forceFullCollection: false) + 4 * Budget;
            return;
        }
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
    }
}
