package io.memscope.trainer.modes.compressed;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Deflate over the raw floats: exact, so a run through it must equal baseline's bit for bit. */
final class LosslessCodec implements FloatCodec {
    @Override
    public byte[] compress(float[] values, int height, int width, double eb) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        Deflater d = new Deflater(1);
        d.setInput(b.array());
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    @Override
    public void decompress(byte[] stream, float[] values) {
        Inflater inf = new Inflater();
        inf.setInput(stream);
        byte[] raw = new byte[values.length * 4];
        try {
            int at = 0;
            while (at < raw.length && !inf.finished()) {
                at += inf.inflate(raw, at, raw.length - at);
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException(e);
        } finally {
            inf.end();
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            values[i] = b.getFloat();
        }
    }
}
