package io.memscope.trainer.compress;

import java.util.Arrays;

/**
 * Canonical Huffman coding over an alphabet of symbols {@code 0..n-1}: code lengths from frequencies (limited to
 * {@link #MAX_LENGTH} bits), the canonical codes of those lengths (shorter codes first, ties by symbol, as
 * Deflate assigns them), the lengths as a stream writes them, and a table-driven decoder.
 *
 * <p>Only the lengths travel: canonical codes are a function of them. They are written one byte a symbol, a run
 * of unused symbols as a zero byte and the run's length, which keeps the table small when the used symbols are
 * spread over a wide range.
 */
final class Huffman {
    /** The longest code: enough for 2^20 + 1 symbols, short enough that one code always fits a refill. */
    static final int MAX_LENGTH = 24;
    /** Codes up to this long decode with one table look-up; longer ones walk the canonical ranges. */
    private static final int TABLE_BITS = 11;
    private static final int SYMBOL_BITS = 21;

    private Huffman() {}

    /**
     * Code lengths for the symbols whose frequencies are {@code freq[from..from+n)}, into {@code length[0..n)}
     * (0 for an unused symbol); at least two symbols must be used. Where the optimal code would be longer than
     * {@link #MAX_LENGTH}, the frequencies are halved (staying at least 1) and the code rebuilt until it fits.
     * Returns the longest length.
     */
    static int lengths(int[] freq, int from, int n, byte[] length) {
        int used = 0;
        for (int s = 0; s < n; s++) {
            if (freq[from + s] != 0) {
                used++;
            }
        }
        if (used < 2) {
            throw new IllegalStateException("a Huffman code needs two symbols, " + used + " are used");
        }
        long[] keys = new long[used];
        int nodes = 2 * used - 1;
        long[] weight = new long[nodes];
        int[] parent = new int[nodes];
        int[] depth = new int[nodes];
        for (int shift = 0; ; shift++) {
            int k = 0;
            for (int s = 0; s < n; s++) {
                int f = freq[from + s];
                if (f != 0) {
                    keys[k++] = (Math.max(1L, (long) f >>> shift) << SYMBOL_BITS) | s;
                }
            }
            Arrays.sort(keys);
            for (int j = 0; j < used; j++) {
                weight[j] = keys[j] >>> SYMBOL_BITS;
            }
            // two queues: the sorted leaves, and the inner nodes, which are made in order of weight
            int leaf = 0;
            int inner = used;
            for (int next = used; next < nodes; next++) {
                int a = leaf < used && (inner >= next || weight[leaf] <= weight[inner]) ? leaf++ : inner++;
                int b = leaf < used && (inner >= next || weight[leaf] <= weight[inner]) ? leaf++ : inner++;
                weight[next] = weight[a] + weight[b];
                parent[a] = next;
                parent[b] = next;
            }
            depth[nodes - 1] = 0;
            int longest = 0;
            for (int j = nodes - 2; j >= 0; j--) {
                depth[j] = depth[parent[j]] + 1;
                if (j < used) {
                    longest = Math.max(longest, depth[j]);
                }
            }
            if (longest <= MAX_LENGTH) {
                Arrays.fill(length, 0, n, (byte) 0);
                for (int j = 0; j < used; j++) {
                    length[(int) (keys[j] & ((1 << SYMBOL_BITS) - 1))] = (byte) depth[j];
                }
                return longest;
            }
        }
    }

    /** The canonical code of every used symbol of {@code length[0..n)}, into {@code code[0..n)}. */
    static void codes(byte[] length, int n, int[] code) {
        int[] next = firstCodes(count(length, n));
        for (int s = 0; s < n; s++) {
            int l = length[s];
            if (l != 0) {
                code[s] = next[l]++;
            }
        }
    }

    /** How many symbols have each length (index 0 unused). */
    private static int[] count(byte[] length, int n) {
        int[] count = new int[MAX_LENGTH + 1];
        for (int s = 0; s < n; s++) {
            count[length[s]]++;
        }
        count[0] = 0;
        return count;
    }

    /** The first canonical code of each length. */
    private static int[] firstCodes(int[] count) {
        int[] first = new int[MAX_LENGTH + 2];
        int code = 0;
        for (int l = 1; l <= MAX_LENGTH; l++) {
            code = (code + count[l - 1]) << 1;
            first[l] = code;
        }
        return first;
    }

    static void writeLengths(ByteSink out, byte[] length, int n) {
        for (int s = 0; s < n; ) {
            if (length[s] != 0) {
                out.u8(length[s++]);
            } else {
                int run = 1;
                while (s + run < n && length[s + run] == 0) {
                    run++;
                }
                out.u8(0);
                out.varint(run);
                s += run;
            }
        }
    }

    /** Decodes one stream's codes: built from the lengths it carries, which must form a complete code. */
    static final class Decoder {
        private final int tableBits;
        private final int longest;
        /** Per {@code tableBits}-bit prefix: symbol << 5 | length, or 0 where the code is longer. */
        private final int[] table;
        private final int[] count;
        private final int[] first;
        /** Index in {@link #sorted} of each length's first symbol. */
        private final int[] index = new int[MAX_LENGTH + 2];
        /** The used symbols by length, then symbol: the order of their canonical codes. */
        private final int[] sorted;

        private Decoder(byte[] length, int n, ByteSource in) {
            count = count(length, n);
            long kraft = 0;
            int used = 0;
            int top = 0;
            for (int l = 1; l <= MAX_LENGTH; l++) {
                kraft += (long) count[l] << (MAX_LENGTH - l);
                used += count[l];
                if (count[l] != 0) {
                    top = l;
                }
            }
            if (kraft != 1L << MAX_LENGTH || used < 2) {
                throw in.corrupt("its Huffman code lengths do not form a complete code");
            }
            longest = top;
            first = firstCodes(count);
            sorted = new int[used];
            for (int l = 1, at = 0; l <= MAX_LENGTH; l++) {
                index[l] = at;
                at += count[l];
            }
            int[] fill = index.clone();
            for (int s = 0; s < n; s++) {
                if (length[s] != 0) {
                    sorted[fill[length[s]]++] = s;
                }
            }
            tableBits = Math.min(TABLE_BITS, longest);
            table = new int[1 << tableBits];
            int[] next = first.clone();
            for (int s = 0; s < n; s++) {
                int l = length[s];
                if (l != 0 && l <= tableBits) {
                    int lo = next[l]++ << (tableBits - l);
                    Arrays.fill(table, lo, lo + (1 << (tableBits - l)), (s << 5) | l);
                }
            }
        }

        /** Reads {@code n} code lengths as {@link #writeLengths} wrote them and builds their decoder. */
        static Decoder read(ByteSource in, int n) {
            byte[] length = new byte[n];
            for (int s = 0; s < n; ) {
                int l = in.u8("a Huffman code length");
                if (l == 0) {
                    int run = in.varint("a run of unused symbols", n - s);
                    if (run == 0) {
                        throw in.corrupt("an empty run of unused symbols");
                    }
                    s += run;
                } else if (l > MAX_LENGTH) {
                    throw in.corrupt("a Huffman code of " + l + " bits, longer than " + MAX_LENGTH);
                } else {
                    length[s++] = (byte) l;
                }
            }
            return new Decoder(length, n, in);
        }

        int decode(BitReader in) {
            in.ensure(MAX_LENGTH);
            int e = table[in.peek(tableBits)];
            if (e != 0) {
                in.skip(e & 31);
                return e >>> 5;
            }
            for (int l = tableBits + 1; l <= longest; l++) {
                int c = in.peek(l) - first[l];
                if (c < count[l]) {
                    in.skip(l);
                    return sorted[index[l] + c];
                }
            }
            throw new IllegalStateException("a complete Huffman code left a prefix undecoded");
        }
    }
}
