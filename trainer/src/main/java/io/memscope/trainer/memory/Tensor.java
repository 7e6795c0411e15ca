package io.memscope.trainer.memory;

/**
 * A block of device memory holding float32 values, obtained from {@link DeviceMemory}. The offset is the
 * block's address in the arena; backends turn it into an array index (CPU) or a device pointer (CUDA).
 */
public final class Tensor {
    private final long id;
    private final String name;
    private final String layer;
    private final Category category;
    private final Dims dims;
    private final long offset;
    private final long bytes;

    Tensor(long id, String name, String layer, Category category, Dims dims, long offset, long bytes) {
        this.id = id;
        this.name = name;
        this.layer = layer;
        this.category = category;
        this.dims = dims;
        this.offset = offset;
        this.bytes = bytes;
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String layer() {
        return layer;
    }

    public Category category() {
        return category;
    }

    public Dims dims() {
        return dims;
    }

    /** Byte address inside the arena (256-aligned). */
    public long offset() {
        return offset;
    }

    /** Index of the first float inside a float-addressed arena. */
    public int floatIndex() {
        return Math.toIntExact(offset / Float.BYTES);
    }

    /** Aligned size of the block in bytes (at least the payload). */
    public long bytes() {
        return bytes;
    }

    public long elements() {
        return dims.elements();
    }

    public int size() {
        return Math.toIntExact(dims.elements());
    }

    /** The same storage seen with another shape of the same element count (flatten). */
    public Tensor reshaped(Dims newDims) {
        if (newDims.elements() != dims.elements()) {
            throw new IllegalArgumentException("cannot view " + dims + " as " + newDims + " (" + name + ")");
        }
        return new Tensor(id, name, layer, category, newDims, offset, bytes);
    }

    /**
     * A part of this block seen as a tensor of its own: {@code dims.elements()} floats from float
     * {@code firstFloat} on, with the same id, name and category (a layer carving its workspace into scratch
     * tensors). It must lie inside the block.
     */
    public Tensor part(long firstFloat, Dims partDims) {
        long end = (firstFloat + partDims.elements()) * Float.BYTES;
        if (firstFloat < 0 || end > bytes) {
            throw new IllegalArgumentException("part [" + firstFloat + ", " + (firstFloat + partDims.elements())
                    + ") of " + this + " lies outside its " + bytes + " bytes");
        }
        return new Tensor(id, name, layer, category, partDims, offset + firstFloat * Float.BYTES, partDims.bytes());
    }

    @Override
    public String toString() {
        return name + "[" + dims + "@" + offset + "]";
    }
}
