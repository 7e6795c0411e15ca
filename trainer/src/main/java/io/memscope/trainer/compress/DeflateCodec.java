package io.memscope.trainer.compress;

import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Lossless: Deflate over the raw float32 bytes (big-endian), for what a general-purpose compressor alone gets. */
public final class DeflateCodec implements FloatCodec {
    static final int MAGIC = 0x4D534446; // "MSDF"
    static final int VERSION = 1;
    static final String FORMAT = "Deflate";

    private final int level;
    private final ByteSink raw = new ByteSink(1 << 12);
    private final ByteSink out = new ByteSink(1 << 12);
    private byte[] deflated = new byte[0];
    private byte[] inflated = new byte[0];
    private Deflater deflater;
    private Inflater inflater;

    /** Deflate's default level, 6. */
    public DeflateCodec() {
        this(Deflater.DEFAULT_COMPRESSION);
    }

    /** @param level Deflate's level, 1 (fastest) to 9, or {@link Deflater#DEFAULT_COMPRESSION} */
    public DeflateCodec(int level) {
        if ((level < 1 || level > 9) && level != Deflater.DEFAULT_COMPRESSION) {
            throw new IllegalArgumentException("Deflate levels are 1 to 9, not " + level);
        }
        this.level = level;
    }

    @Override
    public String name() {
        return "Deflate";
    }

    @Override
    public byte[] compress(float[] src, int offset, int count) {
        Frame.checkSource(src, offset, count);
        raw.reset();
        raw.floats(src, offset, count);
        int n = raw.size();
        if (deflater == null) {
            deflater = new Deflater(level);
        }
        // Deflate can grow incompressible data by a few bytes a 16 KiB block
        int room = n + n / 1000 + 64;
        if (deflated.length < room) {
            deflated = new byte[room];
        }
        int length = Zip.deflate(deflater, raw.array(), 0, n, deflated, room);
        Frame.begin(out, MAGIC, VERSION);
        out.i32(count);
        out.bytes(deflated, 0, length);
        return Frame.finish(out);
    }

    @Override
    public int decompress(byte[] stream, float[] dst, int offset) {
        ByteSource in = Frame.open(stream, MAGIC, VERSION, FORMAT);
        int count = Frame.count(in);
        if (count > (Integer.MAX_VALUE - 16) / 4) {
            throw in.corrupt(count + " values, more than one array of bytes holds");
        }
        if ((long) count * 4 > (long) Zip.MAX_RATIO * in.remaining() + 1024) {
            throw in.corrupt(in.remaining() + " deflated bytes cannot hold " + count + " values");
        }
        Frame.checkRoom(dst, offset, count, FORMAT);
        if (inflater == null) {
            inflater = new Inflater();
        }
        int n = 4 * count;
        if (inflated.length < n + 1) {
            inflated = new byte[n + 1];
        }
        Zip.inflate(inflater, in, inflated, n);
        for (int i = 0; i < count; i++) {
            dst[offset + i] = ByteSource.floatAt(inflated, 4 * i);
        }
        return count;
    }
}
