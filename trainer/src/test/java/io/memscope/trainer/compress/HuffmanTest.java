package io.memscope.trainer.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HuffmanTest {
    @Test
    void codesAreCompleteWithinTheLengthLimitAndDecodeToTheirSymbols() {
        Random r = new Random(3);
        for (int round = 0; round < 200; round++) {
            int n = 2 + r.nextInt(round < 100 ? 40 : 5000);
            int[] freq = new int[n + 3];
            int used = 0;
            for (int s = 0; s < n; s++) {
                freq[3 + s] = r.nextInt(4) == 0 ? 0 : 1 + (int) Math.pow(r.nextDouble(), 8) * 100000;
                used += freq[3 + s] != 0 ? 1 : 0;
            }
            if (used < 2) {
                freq[3] = 1;
                freq[3 + n - 1] = 5;
            }
            roundTrip(freq, 3, n, r);
        }
    }

    @Test
    void fibonacciFrequenciesAreLimitedToTheLongestCode() {
        // Fibonacci weights make the optimal code as deep as there are symbols
        int n = 40;
        int[] freq = new int[n];
        freq[0] = 1;
        freq[1] = 1;
        for (int s = 2; s < n; s++) {
            freq[s] = (int) Math.min(Integer.MAX_VALUE / 2, (long) freq[s - 1] + freq[s - 2]);
        }
        byte[] length = new byte[n];
        int longest = Huffman.lengths(freq, 0, n, length);
        assertEquals(Huffman.MAX_LENGTH, longest);
        roundTrip(freq, 0, n, new Random(1));
    }

    @Test
    void aCodeThatIsNotCompleteIsRefused() {
        ByteSink out = new ByteSink(16);
        Huffman.writeLengths(out, new byte[] {1, 2, 0, 0, 0}, 5); // one code of 2 bits missing
        ByteSource in = new ByteSource(out.toArray(), 0, out.size(), "test");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Huffman.Decoder.read(in, 5));
        assertEquals("corrupt test stream: its Huffman code lengths do not form a complete code", e.getMessage());
    }

    private static void roundTrip(int[] freq, int from, int n, Random r) {
        byte[] length = new byte[n];
        int[] code = new int[n];
        int longest = Huffman.lengths(freq, from, n, length);
        assertTrue(longest <= Huffman.MAX_LENGTH);
        double kraft = 0;
        for (int s = 0; s < n; s++) {
            assertEquals(freq[from + s] == 0, length[s] == 0, "symbol " + s);
            kraft += length[s] == 0 ? 0 : Math.pow(2, -length[s]);
        }
        assertEquals(1.0, kraft, 1e-12);
        Huffman.codes(length, n, code);
        ByteSink out = new ByteSink(16);
        Huffman.writeLengths(out, length, n);
        int tableEnd = out.size();
        int[] message = new int[3000];
        BitWriter w = new BitWriter(out);
        for (int i = 0; i < message.length; i++) {
            int s;
            do {
                s = r.nextInt(n);
            } while (length[s] == 0);
            message[i] = s;
            w.write(code[s], length[s]);
        }
        w.flush();
        byte[] bytes = out.toArray();
        ByteSource in = new ByteSource(bytes, 0, tableEnd, "test");
        Huffman.Decoder d = Huffman.Decoder.read(in, n);
        in.expectEnd();
        BitReader bits = new BitReader(bytes, tableEnd, bytes.length, "test");
        for (int i = 0; i < message.length; i++) {
            assertEquals(message[i], d.decode(bits), "symbol " + i);
        }
        bits.finish();
    }
}
