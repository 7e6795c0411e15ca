package io.memscope.trainer.backend.cuda;

import java.nio.FloatBuffer;

/**
 * Every CUDA driver call the backend makes, and nothing more: {@link JCudaDriverApi} makes them through JCuda, tests
 * put a fake in its place. Device memory is one allocation, the arena's ({@link #allocateArena}); every device
 * address below is a byte offset into it, so that a tensor's address is its arena offset and nothing else needs
 * translating. An absent optional pointer is {@link #NULL}.
 *
 * <p>Work goes to two streams: the compute stream (kernels, cuDNN, the synchronous copies) and a copy stream for
 * the transfers that overlap compute (out-of-core mode), ordered against each other by events.
 */
public interface DriverApi extends AutoCloseable {
    /** The address of an absent optional tensor; kernels receive a null pointer. */
    long NULL = -1;

    /** The driver's CUDA version as CUDA writes it (12040 is 12.4). */
    int driverVersion();

    int deviceCount();

    /** Name, compute capability and total memory of a device; free memory where a context is current, else -1. */
    CudaDevice device(int ordinal);

    /** Makes the device's primary context current on this thread and loads the kernels' PTX into it. */
    void open(int ordinal, byte[] ptx);

    /** Makes the opened context current on the calling thread (a context is current per thread). */
    void makeCurrent();

    /** {free, total} bytes of the device as the driver counts them (cuMemGetInfo). */
    long[] memoryInfo();

    /** The one device allocation every tensor lives in; throws when the device cannot give it. */
    void allocateArena(long bytes);

    void copyToDevice(float[] src, int srcOffset, long dst, int floats);

    void copyToHost(long src, float[] dst, int dstOffset, int floats);

    void copyOnDevice(long src, long dst, long bytes);

    /** Launches a kernel of the loaded module on the compute stream. */
    void launch(String kernel, int gridX, int gridY, int blockX, KernelArgs args);

    /** Waits for the compute stream. */
    void synchronize();

    // ---- the copy stream (Transfers) ----------------------------------------------------------------------

    /** Page-locked host memory, which asynchronous copies need to overlap compute. */
    Pinned allocatePinned(int floats);

    /** Records an event on the compute stream: the point every kernel queued so far has reached. */
    Event recordCompute();

    /** Copies on the copy stream after {@code after}; the returned event marks the copy's end. */
    Event copyToHostAsync(Event after, long src, Pinned dst, int floats);

    Event copyToDeviceAsync(Event after, Pinned src, long dst, int floats);

    /** Makes the compute stream wait for an event of the copy stream before its next work. */
    void computeWaits(Event event);

    /** Frees the arena, the streams and the context's hold; the device is left as it was found. */
    @Override
    void close();

    /** A point in a stream's work. */
    interface Event {
        /** Blocks until the stream has passed the event. */
        void await();

        boolean done();

        void destroy();
    }

    /** A block of page-locked host memory. */
    interface Pinned {
        FloatBuffer floats();

        void free();
    }
}
