package io.memscope.trainer.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventQuery;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * {@link DriverApi} through JCuda's driver bindings, which need only {@code libcuda.so.1} (the NVIDIA driver).
 * Loading the class that binds them throws {@link UnsatisfiedLinkError} where there is no driver; {@link Cuda}
 * turns that into its notice. Kernels and cuDNN share the legacy default stream, so they run in the order they
 * are queued; the copy stream does not block on it (CU_STREAM_NON_BLOCKING) and meets it at events.
 */
final class JCudaDriverApi implements DriverApi {
    private CUdevice device;
    private int opened = -1;
    private CUcontext context;
    private CUmodule module;
    private CUstream copyStream;
    /** The arena's allocation; a subclass only to read its address for kernel arguments. */
    private ArenaPointer arena;
    private final Map<String, CUfunction> functions = new HashMap<>();

    /** Initializes the driver; throws UnsatisfiedLinkError without one and CudaException when cuInit fails. */
    JCudaDriverApi() {
        JCudaDriver.setExceptionsEnabled(false);
        check("cuInit", cuInit(0));
    }

    private static void check(String call, int result) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call, result, CUresult.stringFor(result));
        }
    }

    @Override
    public int driverVersion() {
        int[] v = new int[1];
        check("cuDriverGetVersion", cuDriverGetVersion(v));
        return v[0];
    }

    @Override
    public int deviceCount() {
        int[] n = new int[1];
        check("cuDeviceGetCount", cuDeviceGetCount(n));
        return n[0];
    }

    @Override
    public CudaDevice device(int ordinal) {
        CUdevice d = new CUdevice();
        check("cuDeviceGet", cuDeviceGet(d, ordinal));
        byte[] name = new byte[256];
        check("cuDeviceGetName", cuDeviceGetName(name, name.length, d));
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        int[] major = new int[1];
        int[] minor = new int[1];
        check("cuDeviceGetAttribute", cuDeviceGetAttribute(major,
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d));
        check("cuDeviceGetAttribute", cuDeviceGetAttribute(minor,
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d));
        long[] total = new long[1];
        check("cuDeviceTotalMem", cuDeviceTotalMem(total, d));
        long free = context != null && ordinal == opened ? memoryInfo()[0] : -1;
        return new CudaDevice(ordinal, new String(name, 0, length, StandardCharsets.UTF_8), major[0], minor[0],
                total[0], free);
    }

    @Override
    public void open(int ordinal, byte[] ptx) {
        device = new CUdevice();
        check("cuDeviceGet", cuDeviceGet(device, ordinal));
        context = new CUcontext();
        // the primary context is the one the CUDA runtime, and so cuDNN, uses on this device
        check("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain(context, device));
        opened = ordinal;
        makeCurrent();
        module = new CUmodule();
        byte[] terminated = java.util.Arrays.copyOf(ptx, ptx.length + 1);
        check("cuModuleLoadData (the driver compiling the kernels' PTX)", cuModuleLoadData(module, terminated));
        copyStream = new CUstream();
        check("cuStreamCreate", cuStreamCreate(copyStream, CUstream_flags.CU_STREAM_NON_BLOCKING));
    }

    @Override
    public void makeCurrent() {
        check("cuCtxSetCurrent", cuCtxSetCurrent(context));
    }

    @Override
    public long[] memoryInfo() {
        long[] free = new long[1];
        long[] total = new long[1];
        check("cuMemGetInfo", cuMemGetInfo(free, total));
        return new long[] {free[0], total[0]};
    }

    @Override
    public void allocateArena(long bytes) {
        if (arena != null) {
            throw new IllegalStateException("the arena is allocated once");
        }
        ArenaPointer p = new ArenaPointer();
        check("cuMemAlloc of the " + bytes + "-byte arena", cuMemAlloc(p, bytes));
        arena = p;
    }

    /** The device address of an arena offset, for cuDNN's arguments. */
    Pointer at(long offset) {
        if (offset == NULL) {
            return null;
        }
        return arena.withByteOffset(offset);
    }

    private CUdeviceptr address(long offset) {
        return arena.withByteOffset(offset);
    }

    @Override
    public void copyToDevice(float[] src, int srcOffset, long dst, int floats) {
        check("cuMemcpyHtoD", cuMemcpyHtoD(address(dst), Pointer.to(src).withByteOffset((long) srcOffset * Float.BYTES),
                (long) floats * Float.BYTES));
    }

    @Override
    public void copyToHost(long src, float[] dst, int dstOffset, int floats) {
        check("cuMemcpyDtoH", cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) dstOffset * Float.BYTES), address(src),
                (long) floats * Float.BYTES));
    }

    @Override
    public void copyOnDevice(long src, long dst, long bytes) {
        check("cuMemcpyDtoD", cuMemcpyDtoD(address(dst), address(src), bytes));
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, KernelArgs args) {
        CUfunction f = functions.computeIfAbsent(kernel, name -> {
            CUfunction fn = new CUfunction();
            check("cuModuleGetFunction(" + name + ")", cuModuleGetFunction(fn, module, name));
            return fn;
        });
        List<KernelArgs.Arg> list = args.list();
        NativePointerObject[] params = new NativePointerObject[list.size()];
        for (int i = 0; i < params.length; i++) {
            KernelArgs.Arg a = list.get(i);
            params[i] = switch (a.type()) {
                case POINTER -> Pointer.to(new long[] {a.value().longValue() == NULL ? 0
                        : arena.address() + a.value().longValue()});
                case INT -> Pointer.to(new int[] {a.value().intValue()});
                case FLOAT -> Pointer.to(new float[] {a.value().floatValue()});
                case LONG -> Pointer.to(new long[] {a.value().longValue()});
            };
        }
        check("cuLaunchKernel(" + kernel + ")", cuLaunchKernel(f, gridX, gridY, 1, blockX, 1, 1, 0, null,
                Pointer.to(params), null));
    }

    @Override
    public void synchronize() {
        check("cuCtxSynchronize", cuCtxSynchronize());
    }

    @Override
    public Pinned allocatePinned(int floats) {
        Pointer host = new Pointer();
        long bytes = (long) floats * Float.BYTES;
        check("cuMemAllocHost", cuMemAllocHost(host, bytes));
        FloatBuffer view = host.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return new PinnedBlock(host, view);
    }

    private record PinnedBlock(Pointer host, FloatBuffer view) implements Pinned {
        @Override
        public FloatBuffer floats() {
            return view.duplicate().clear();
        }

        @Override
        public void free() {
            check("cuMemFreeHost", cuMemFreeHost(host));
        }
    }

    private record StreamEvent(CUevent event) implements Event {
        @Override
        public void await() {
            check("cuEventSynchronize", cuEventSynchronize(event));
        }

        @Override
        public boolean done() {
            int r = cuEventQuery(event);
            if (r == CUresult.CUDA_ERROR_NOT_READY) {
                return false;
            }
            check("cuEventQuery", r);
            return true;
        }

        @Override
        public void destroy() {
            check("cuEventDestroy", cuEventDestroy(event));
        }
    }

    private Event record(CUstream stream) {
        CUevent e = new CUevent();
        check("cuEventCreate", cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING));
        check("cuEventRecord", cuEventRecord(e, stream));
        return new StreamEvent(e);
    }

    @Override
    public Event recordCompute() {
        return record(null);
    }

    @Override
    public Event copyToHostAsync(Event after, long src, Pinned dst, int floats) {
        check("cuStreamWaitEvent", cuStreamWaitEvent(copyStream, ((StreamEvent) after).event(), 0));
        check("cuMemcpyDtoHAsync", cuMemcpyDtoHAsync(((PinnedBlock) dst).host(), address(src),
                (long) floats * Float.BYTES, copyStream));
        return record(copyStream);
    }

    @Override
    public Event copyToDeviceAsync(Event after, Pinned src, long dst, int floats) {
        check("cuStreamWaitEvent", cuStreamWaitEvent(copyStream, ((StreamEvent) after).event(), 0));
        check("cuMemcpyHtoDAsync", cuMemcpyHtoDAsync(address(dst), ((PinnedBlock) src).host(),
                (long) floats * Float.BYTES, copyStream));
        return record(copyStream);
    }

    @Override
    public void computeWaits(Event event) {
        check("cuStreamWaitEvent", cuStreamWaitEvent(null, ((StreamEvent) event).event(), 0));
    }

    @Override
    public void close() {
        if (context == null) {
            return;
        }
        makeCurrent();
        cuCtxSynchronize();
        if (arena != null) {
            cuMemFree(arena);
            arena = null;
        }
        if (copyStream != null) {
            cuStreamDestroy(copyStream);
            copyStream = null;
        }
        cuDevicePrimaryCtxRelease(device);
        context = null;
    }

    /** A device pointer whose address kernel arguments add offsets to. */
    private static final class ArenaPointer extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }
}
