package io.memscope.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files MNIST ships in: a big-endian header (magic number, then one count per dimension) and
 * unsigned bytes. A file may be gzipped whatever its name says; the first two bytes decide, since browsers often
 * unpack a {@code .gz} download and keep the name, or the other way round.
 */
final class IdxFile {
    static final int IMAGES_MAGIC = 0x00000803; // 2051: unsigned bytes, 3 dimensions
    static final int LABELS_MAGIC = 0x00000801; // 2049: unsigned bytes, 1 dimension

    private IdxFile() {}

    /** The images of an {@code idx3-ubyte} file, row-major, one byte per pixel. */
    record Images(int count, int rows, int cols, byte[] pixels) {}

    static Images readImages(String source, Path file) {
        return read(source, file, in -> {
            checkMagic(source, file, in.readInt(), IMAGES_MAGIC);
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (count < 0 || rows <= 0 || cols <= 0 || (double) count * rows * cols > Integer.MAX_VALUE - 8) {
                throw new DataException(source + ": " + file + " claims " + count + " images of " + rows + "x" + cols
                        + " pixels, which cannot be right; the header is damaged, fetch the file again");
            }
            byte[] pixels = readBody(source, file, in, count * rows * cols, count + " images");
            return new Images(count, rows, cols, pixels);
        });
    }

    static byte[] readLabels(String source, Path file) {
        return read(source, file, in -> {
            checkMagic(source, file, in.readInt(), LABELS_MAGIC);
            int count = in.readInt();
            if (count < 0) {
                throw new DataException(source + ": " + file + " claims " + count
                        + " labels; the header is damaged, fetch the file again");
            }
            return readBody(source, file, in, count, count + " labels");
        });
    }

    private interface Body<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> T read(String source, Path file, Body<T> body) {
        try (DataInputStream in = new DataInputStream(open(file))) {
            return body.read(in);
        } catch (EOFException e) {
            throw new DataException(source + ": " + file + " ends inside its header; the download is incomplete,"
                    + " fetch it again", e);
        } catch (ZipException e) {
            throw new DataException(source + ": " + file + " starts like a gzip file but is damaged (" + e.getMessage()
                    + "); fetch it again", e);
        } catch (IOException e) {
            throw new DataException(source + ": cannot read " + file + ": " + e, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
    }

    private static void checkMagic(String source, Path file, int magic, int expected) {
        if (magic == expected) {
            return;
        }
        String hint;
        if (magic == IMAGES_MAGIC) {
            hint = "it is an image file; were the images and labels files swapped?";
        } else if (magic == LABELS_MAGIC) {
            hint = "it is a labels file; were the images and labels files swapped?";
        } else {
            hint = "it is not an IDX file of unsigned bytes";
        }
        throw new DataException(source + ": " + file + " starts with magic number " + magic + ", not " + expected
                + " (" + (expected == IMAGES_MAGIC ? "idx3-ubyte images" : "idx1-ubyte labels") + "); " + hint);
    }

    private static byte[] readBody(String source, Path file, DataInputStream in, int length, String what)
            throws IOException {
        byte[] body;
        try {
            body = in.readNBytes(length);
        } catch (EOFException e) {
            // A cut gzip stream fails inside the inflater instead of coming up short.
            throw new DataException(source + ": " + file + " is truncated: its header promises " + what
                    + " but the compressed data ends early; fetch the file again", e);
        }
        if (body.length < length) {
            throw new DataException(source + ": " + file + " is truncated: its header promises " + what + " ("
                    + length + " bytes) but only " + body.length + " follow; fetch the file again");
        }
        if (in.read() != -1) {
            throw new DataException(source + ": " + file + " has bytes left over after the " + what
                    + " its header promises; the file is damaged or not MNIST");
        }
        return body;
    }
}
