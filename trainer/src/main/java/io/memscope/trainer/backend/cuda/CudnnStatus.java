package io.memscope.trainer.backend.cuda;

import java.util.Map;

/**
 * cuDNN 9's status codes by name. cuDNN 9 renumbered them (categories by thousands: 1xxx initialization and
 * versions, 2xxx bad parameters, 3xxx not supported, 4xxx internal errors, 5xxx execution), so the names in the
 * JCudnn 11.7.0 jar, which has cuDNN 8's numbers, are wrong for the library it runs against.
 */
public final class CudnnStatus {
    private CudnnStatus() {}

    public static final int SUCCESS = 0;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "CUDNN_STATUS_SUCCESS"),
            Map.entry(1001, "CUDNN_STATUS_NOT_INITIALIZED"),
            Map.entry(1002, "CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH"),
            Map.entry(1003, "CUDNN_STATUS_SERIALIZATION_VERSION_MISMATCH"),
            Map.entry(1004, "CUDNN_STATUS_DEPRECATED"),
            Map.entry(1005, "CUDNN_STATUS_LICENSE_ERROR"),
            Map.entry(1006, "CUDNN_STATUS_RUNTIME_IN_PROGRESS"),
            Map.entry(1007, "CUDNN_STATUS_RUNTIME_FP_OVERFLOW"),
            Map.entry(1008, "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED"),
            Map.entry(2000, "CUDNN_STATUS_BAD_PARAM"),
            Map.entry(2001, "CUDNN_STATUS_INVALID_VALUE"),
            Map.entry(2002, "CUDNN_STATUS_BAD_PARAM_NULL_POINTER"),
            Map.entry(2003, "CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER"),
            Map.entry(2004, "CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED"),
            Map.entry(2005, "CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND"),
            Map.entry(2006, "CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT"),
            Map.entry(2007, "CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH"),
            Map.entry(2008, "CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH"),
            Map.entry(2009, "CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES"),
            Map.entry(2010, "CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE"),
            Map.entry(2011, "CUDNN_STATUS_BAD_PARAM_CUDA_GRAPH_MISMATCH"),
            Map.entry(2012, "CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE"),
            Map.entry(3000, "CUDNN_STATUS_NOT_SUPPORTED"),
            Map.entry(3001, "CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN"),
            Map.entry(3002, "CUDNN_STATUS_NOT_SUPPORTED_SHAPE"),
            Map.entry(3003, "CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE"),
            Map.entry(3004, "CUDNN_STATUS_NOT_SUPPORTED_LAYOUT"),
            Map.entry(3005, "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER"),
            Map.entry(3006, "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART"),
            Map.entry(3007, "CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH"),
            Map.entry(3008, "CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING"),
            Map.entry(3009, "CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE"),
            Map.entry(3010, "CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT"),
            Map.entry(3011, "CUDNN_STATUS_NOT_SUPPORTED_PADDING"),
            Map.entry(3012, "CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM"),
            Map.entry(3013, "CUDNN_STATUS_NOT_SUPPORTED_CUDA_GRAPH_NATIVE_API"),
            Map.entry(4000, "CUDNN_STATUS_INTERNAL_ERROR"),
            Map.entry(4001, "CUDNN_STATUS_INTERNAL_ERROR_COMPILATION_FAILED"),
            Map.entry(4002, "CUDNN_STATUS_INTERNAL_ERROR_UNEXPECTED_VALUE"),
            Map.entry(4003, "CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED"),
            Map.entry(4004, "CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED"),
            Map.entry(4005, "CUDNN_STATUS_INTERNAL_ERROR_BAD_LAUNCH_PARAM"),
            Map.entry(4006, "CUDNN_STATUS_INTERNAL_ERROR_TEXTURE_CREATION_FAILED"),
            Map.entry(5000, "CUDNN_STATUS_EXECUTION_FAILED"),
            Map.entry(5001, "CUDNN_STATUS_EXECUTION_FAILED_CUDA_DRIVER"),
            Map.entry(5002, "CUDNN_STATUS_EXECUTION_FAILED_CUBLAS"),
            Map.entry(5003, "CUDNN_STATUS_EXECUTION_FAILED_CUDART"),
            Map.entry(5004, "CUDNN_STATUS_EXECUTION_FAILED_CURAND"));

    private static final String[] CATEGORIES = {"", "CUDNN_STATUS_NOT_INITIALIZED", "CUDNN_STATUS_BAD_PARAM",
        "CUDNN_STATUS_NOT_SUPPORTED", "CUDNN_STATUS_INTERNAL_ERROR", "CUDNN_STATUS_EXECUTION_FAILED"};

    /** The status's name; a code this table does not know is named by its category (a newer cuDNN's sub-code). */
    public static String name(int code) {
        String name = NAMES.get(code);
        if (name != null) {
            return name;
        }
        int category = code / 1000;
        return category >= 1 && category < CATEGORIES.length ? CATEGORIES[category] + " (sub-code " + code + ")"
                : "unknown cuDNN status " + code;
    }

    /** Throws a {@link CudaException} naming the call unless the status is success. */
    public static void check(String call, int code) {
        if (code != SUCCESS) {
            throw new CudaException(call, code, name(code));
        }
    }
}
