package io.memscope.trainer.data;

/** Helpers shared by the {@link Dataset} implementations, so that each checks and names things the same way. */
final class Datasets {
    private Datasets() {}

    static void checkFill(Dataset data, int[] indices, float[] images, float[] labels) {
        long perSample = (long) data.channels() * data.height() * data.width();
        if (images.length < indices.length * perSample) {
            throw new IllegalArgumentException("images holds " + images.length + " floats, " + indices.length
                    + " samples of " + shape(data) + " need " + indices.length * perSample);
        }
        if (labels.length < indices.length) {
            throw new IllegalArgumentException("labels holds " + labels.length + " floats for " + indices.length
                    + " samples");
        }
        for (int index : indices) {
            if (index < 0 || index >= data.size()) {
                throw new IndexOutOfBoundsException("sample " + index + " is outside " + data.name() + " (size "
                        + data.size() + ")");
            }
        }
    }

    /** {@code 1x28x28}: how shapes appear in names and messages. */
    static String shape(int channels, int height, int width) {
        return channels + "x" + height + "x" + width;
    }

    static String shape(Dataset data) {
        return shape(data.channels(), data.height(), data.width());
    }
}
