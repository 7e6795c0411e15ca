package io.memscope.trainer.memory;

/**
 * Which allocator a run's device memory uses, whatever its memory mode: the classic {@link Arena} ({@link #NONE})
 * or the {@link PagedArena} with pages of {@code pageBytes}.
 *
 * @param pageBytes the page size, a positive multiple of 256 bytes; 0 for no paging
 */
public record Paging(long pageBytes) {
    /** CUDA's allocation granularity for {@code cuMemCreate} on current cards. */
    public static final long DEFAULT_PAGE_BYTES = 2L << 20;
    public static final Paging NONE = new Paging(0);

    public Paging {
        if (pageBytes != 0) {
            checkPageBytes(pageBytes);
        }
    }

    /** Paging with the default page size. */
    public static Paging pages() {
        return new Paging(DEFAULT_PAGE_BYTES);
    }

    public boolean paged() {
        return pageBytes > 0;
    }

    /** A fresh allocator of this kind for a device of {@code budgetBytes}. */
    public DeviceAllocator allocator(long budgetBytes) {
        return paged() ? new PagedArena(budgetBytes, pageBytes) : new Arena(budgetBytes);
    }

    /** How far the addresses of a device of {@code budgetBytes} reach ({@link DeviceAllocator#addressSpace()}). */
    public long addressSpace(long budgetBytes) {
        return paged() ? PagedArena.virtualBytes(budgetBytes, pageBytes) : budgetBytes - budgetBytes % Arena.ALIGNMENT;
    }

    /** Refuses a page larger than the budget, which would hold no page at all. */
    public void checkBudget(long budgetBytes) {
        if (pageBytes > budgetBytes) {
            throw new IllegalArgumentException("a page of " + Bytes.format(pageBytes) + " (" + pageBytes + " bytes) is "
                    + "larger than the " + Bytes.format(budgetBytes) + " budget (" + budgetBytes + " bytes); choose "
                    + "--page-size " + Bytes.format(Math.max(Arena.ALIGNMENT, Long.highestOneBit(budgetBytes)))
                    .replace(" ", "").replace(".0", "") + " or less, or raise --budget");
        }
    }

    /** E.g. {@code paged, 2.0 MiB pages}, or {@code unpaged}. */
    public String describe() {
        return paged() ? "paged, " + Bytes.format(pageBytes) + " pages" : "unpaged";
    }

    static void checkPageBytes(long pageBytes) {
        if (pageBytes <= 0 || pageBytes % Arena.ALIGNMENT != 0) {
            throw new IllegalArgumentException("a page of " + pageBytes + " bytes is not a positive multiple of "
                    + Arena.ALIGNMENT + " B (the alignment of every block); e.g. --page-size 64KiB or 2MiB");
        }
    }
}
