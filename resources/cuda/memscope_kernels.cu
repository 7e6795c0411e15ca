// MemScope's own CUDA kernels: every op of the CUDA backend that cuDNN does not do (docs/CUDA.md).
//
// Each kernel is the twin of a CPU kernel in trainer/.../backend/cpu and computes the same formula, in the same
// precision (double where the CPU kernel sums or scales in double). scripts/build-ptx.sh compiles this file to
// memscope_kernels.ptx beside it with -fmad=false, so that a*b+c is rounded twice as Java rounds it; the GEMM
// asks for fused multiply-adds explicitly. The same source compiles as C++ against a small emulation header
// (trainer/src/test/cuda/), which is how the kernel maths are tested on machines without a GPU.
//
// Conventions: pointers are float arrays in the arena (an absent optional tensor is a null pointer); sizes are
// ints (a tensor holds fewer than 2^31 floats); one-dimensional kernels use grid-stride loops, so any grid is
// correct and the launcher caps it.

#define MS_BLOCK 256

__device__ __forceinline__ int ms_first() { return blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ int ms_stride() { return gridDim.x * blockDim.x; }

// ---- fill, leaky ReLU, its inverse ------------------------------------------------------------------------

extern "C" __global__ void ms_fill(float* t, int n, float value) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        t[i] = value;
    }
}

// y = x > 0 ? x : slope*x (ReLU itself goes to cuDNN)
extern "C" __global__ void ms_leaky_relu_forward(const float* x, float* y, int n, float slope) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        float v = x[i];
        y[i] = v > 0.0f ? v : slope * v;
    }
}

// dx (+)= dy * (y > 0 ? 1 : slope)
extern "C" __global__ void ms_leaky_relu_backward(const float* y, const float* dy, float* dx, int n, float slope,
                                                  int accumulate) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        float g = y[i] > 0.0f ? dy[i] : slope * dy[i];
        dx[i] = accumulate ? dx[i] + g : g;
    }
}

// x = y > 0 ? y : y * (1/slope); the host passes 1/slope rounded to float, as the CPU kernel computes it
extern "C" __global__ void ms_leaky_relu_inverse(const float* y, float* x, int n, float inverseSlope) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        float v = y[i];
        x[i] = v > 0.0f ? v : v * inverseSlope;
    }
}

// ---- batch norm with saved statistics (cuDNN has no such call), invertible batch norm ---------------------

// y = x*scale + shift per channel, scale = gamma*invStd and shift = beta - mean*scale in double
extern "C" __global__ void ms_batch_norm_apply(const float* x, const float* gamma, const float* beta,
                                               const float* mean, const float* invStd, float* y, int n, int c,
                                               int plane) {
    int total = n * c * plane;
    for (int i = ms_first(); i < total; i += ms_stride()) {
        int ch = (i / plane) % c;
        double scale = (double) gamma[ch] * (double) invStd[ch];
        double shift = (double) beta[ch] - (double) mean[ch] * scale;
        y[i] = (float) ((double) x[i] * scale + shift);
    }
}

// x = (y - beta) / (scale*invStd) + mean per channel, in double
extern "C" __global__ void ms_batch_norm_inverse(const float* y, const float* scale, const float* beta,
                                                 const float* mean, const float* invStd, float* x, int n, int c,
                                                 int plane) {
    int total = n * c * plane;
    for (int i = ms_first(); i < total; i += ms_stride()) {
        int ch = (i / plane) % c;
        double factor = 1.0 / ((double) scale[ch] * (double) invStd[ch]);
        x[i] = (float) (((double) y[i] - (double) beta[ch]) * factor + (double) mean[ch]);
    }
}

// y = |x| + eps
extern "C" __global__ void ms_magnitude(const float* x, float* y, int n, float eps) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        y[i] = fabsf(x[i]) + eps;
    }
}

// dx (+)= dy * sign(x), sign(0) = 1
extern "C" __global__ void ms_magnitude_backward(const float* x, const float* dy, float* dx, int n, int accumulate) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        float g = x[i] >= 0.0f ? dy[i] : -dy[i];
        dx[i] = accumulate ? dx[i] + g : g;
    }
}

// y[s, ch*b*b + i*b + j, r, q] = x[s, ch, r*b + i, q*b + j]; toSpace: x (+)= the rearranged y. One thread per
// element of y, each meeting its own element of x, so accumulating needs no atomics.
extern "C" __global__ void ms_space_to_depth(float* x, float* y, int n, int c, int oh, int ow, int b, int toSpace,
                                             int accumulate) {
    int total = n * c * b * b * oh * ow;
    int h = oh * b;
    int w = ow * b;
    for (int e = ms_first(); e < total; e += ms_stride()) {
        int q = e % ow;
        int r = (e / ow) % oh;
        int cc = (e / (ow * oh)) % (c * b * b);
        int s = e / (ow * oh * c * b * b);
        int ch = cc / (b * b);
        int i = (cc / b) % b;
        int j = cc % b;
        int xi = ((s * c + ch) * h + r * b + i) * w + q * b + j;
        if (!toSpace) {
            y[e] = x[xi];
        } else if (accumulate) {
            x[xi] += y[e];
        } else {
            x[xi] = y[e];
        }
    }
}

// ---- layout: channels, rows ---------------------------------------------------------------------------------

// for each sample, channels [srcChannel, +channels) of src to [dstChannel, +channels) of dst (or added)
extern "C" __global__ void ms_copy_channels(const float* src, int srcChannels, int srcChannel, float* dst,
                                            int dstChannels, int dstChannel, int channels, int n, int plane,
                                            int accumulate) {
    int length = channels * plane;
    int total = n * length;
    for (int e = ms_first(); e < total; e += ms_stride()) {
        int s = e / length;
        int k = e % length;
        float v = src[(s * srcChannels + srcChannel) * plane + k];
        float* d = dst + (s * dstChannels + dstChannel) * plane + k;
        *d = accumulate ? *d + v : v;
    }
}

// for each of `planes` planes, rows [srcRow, +rows) of a plane srcHeight high to [dstRow, +rows) (or added)
extern "C" __global__ void ms_copy_rows(const float* src, int srcHeight, int srcRow, float* dst, int dstHeight,
                                        int dstRow, int rows, int planes, int width, int accumulate) {
    int length = rows * width;
    int total = planes * length;
    for (int e = ms_first(); e < total; e += ms_stride()) {
        int p = e / length;
        int k = e % length;
        float v = src[(p * srcHeight + srcRow) * width + k];
        float* d = dst + (p * dstHeight + dstRow) * width + k;
        *d = accumulate ? *d + v : v;
    }
}

// rows [row, +rows) of every plane `height` high set to value
extern "C" __global__ void ms_fill_rows(float* dst, int height, int row, int rows, int planes, int width,
                                        float value) {
    int length = rows * width;
    int total = planes * length;
    for (int e = ms_first(); e < total; e += ms_stride()) {
        dst[((e / length) * height + row) * width + e % length] = value;
    }
}

// ---- dropout: the counter-based mask of backend/Dropout.java ------------------------------------------------

// SplitMix64's finalizer of seed + (index + 1)*golden, top 24 bits as a float in [0, 1)
__device__ __forceinline__ float ms_dropout_uniform(unsigned long long seed, unsigned long long index) {
    unsigned long long z = seed + (index + 1ULL) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z = z ^ (z >> 31);
    return (float) (z >> 40) * 5.9604644775390625e-8f; // 2^-24
}

// mask = uniform(seed, i) >= p ? scale : 0 with scale = 1/(1-p) rounded to float on the host; y = x*mask
extern "C" __global__ void ms_dropout_forward(const float* x, float* mask, float* y, int n, float p, float scale,
                                              long long seed) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        float m = ms_dropout_uniform((unsigned long long) seed, (unsigned long long) i) >= p ? scale : 0.0f;
        mask[i] = m;
        y[i] = x[i] * m;
    }
}

// dx (+)= dy*mask
extern "C" __global__ void ms_dropout_backward(const float* dy, const float* mask, float* dx, int n, int accumulate) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        float g = dy[i] * mask[i];
        dx[i] = accumulate ? dx[i] + g : g;
    }
}

// ---- softmax cross-entropy (the probabilities come from cuDNN's softmax) -----------------------------------

// One block of MS_BLOCK threads. Each sample's loss is its log-sum-exp (after subtracting the largest logit, in
// double) minus its label's logit; the mean over the batch is written to loss[0]. A label that is not a class
// index makes loss[0] = -(first such sample + 1), which no cross-entropy can be, so the host can name it.
extern "C" __global__ void ms_cross_entropy(const float* logits, const float* labels, float* loss, int n,
                                            int classes) {
    __shared__ double partial[MS_BLOCK];
    __shared__ int firstBad;
    if (threadIdx.x == 0) {
        firstBad = n;
    }
    __syncthreads();
    double sum = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float value = labels[i];
        if (!(value >= 0.0f && value < (float) classes && floorf(value) == value)) {
            atomicMin(&firstBad, i);
            continue;
        }
        int label = (int) value;
        const float* row = logits + (long long) i * classes;
        float max = row[0];
        for (int j = 1; j < classes; j++) {
            max = fmaxf(max, row[j]);
        }
        double s = 0.0;
        for (int j = 0; j < classes; j++) {
            s += exp((double) (row[j] - max));
        }
        sum += ((double) max + log(s)) - (double) row[label];
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            partial[threadIdx.x] += partial[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        loss[0] = firstBad < n ? -(float) (firstBad + 1) : (float) (partial[0] / n);
    }
}

// dlogits = (probs - onehot(labels)) / n; labels were checked by the forward
extern "C" __global__ void ms_cross_entropy_backward(const float* probs, const float* labels, float* dlogits, int n,
                                                     int classes) {
    int total = n * classes;
    for (int e = ms_first(); e < total; e += ms_stride()) {
        int label = (int) labels[e / classes];
        float p = probs[e];
        dlogits[e] = (e % classes == label ? p - 1.0f : p) / (float) n;
    }
}

// ---- fully connected: our own GEMM (no cuBLAS) ---------------------------------------------------------------

#define MS_TILE 64
#define MS_TILE_K 16

// C (M x N, row-major, ldc) = op(A) (M x K) * op(B) (K x N) [+ C when accumulate] [+ bias[col] when bias].
// op(A)[m][k] = transA ? A[k*lda + m] : A[m*lda + k]; op(B)[k][j] = transB ? B[j*ldb + k] : B[k*ldb + j].
// 64x64 tiles of C per block of 256 threads, 4x4 per thread, K in steps of 16 through shared memory; grid
// (ceil(N/64), ceil(M/64)).
extern "C" __global__ void ms_gemm(int M, int N, int K, const float* A, int lda, int transA, const float* B, int ldb,
                                   int transB, float* C, int ldc, int accumulate, const float* bias) {
    __shared__ float as[MS_TILE_K][MS_TILE + 4];
    __shared__ float bs[MS_TILE_K][MS_TILE + 4];
    int tid = threadIdx.x;
    int tx = tid % 16;
    int ty = tid / 16;
    int m0 = blockIdx.y * MS_TILE;
    int n0 = blockIdx.x * MS_TILE;
    float acc[4][4];
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
            acc[i][j] = 0.0f;
        }
    }
    for (int k0 = 0; k0 < K; k0 += MS_TILE_K) {
        for (int l = 0; l < 4; l++) {
            int e = tid + l * 256;
            // consecutive threads read consecutive addresses of A (k fastest unless transposed)
            int mm = transA ? e % MS_TILE : e / MS_TILE_K;
            int kk = transA ? e / MS_TILE : e % MS_TILE_K;
            int gm = m0 + mm;
            int gk = k0 + kk;
            float v = 0.0f;
            if (gm < M && gk < K) {
                v = transA ? A[(long long) gk * lda + gm] : A[(long long) gm * lda + gk];
            }
            as[kk][mm] = v;
        }
        for (int l = 0; l < 4; l++) {
            int e = tid + l * 256;
            int nn = transB ? e / MS_TILE_K : e % MS_TILE;
            int kk = transB ? e % MS_TILE_K : e / MS_TILE;
            int gn = n0 + nn;
            int gk = k0 + kk;
            float v = 0.0f;
            if (gn < N && gk < K) {
                v = transB ? B[(long long) gn * ldb + gk] : B[(long long) gk * ldb + gn];
            }
            bs[kk][nn] = v;
        }
        __syncthreads();
        for (int kk = 0; kk < MS_TILE_K; kk++) {
            float a[4];
            float b[4];
            for (int i = 0; i < 4; i++) {
                a[i] = as[kk][ty * 4 + i];
                b[i] = bs[kk][tx * 4 + i];
            }
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    acc[i][j] = __fmaf_rn(a[i], b[j], acc[i][j]);
                }
            }
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; i++) {
        int gm = m0 + ty * 4 + i;
        if (gm >= M) {
            continue;
        }
        for (int j = 0; j < 4; j++) {
            int gn = n0 + tx * 4 + j;
            if (gn >= N) {
                continue;
            }
            float* c = C + (long long) gm * ldc + gn;
            float v = acc[i][j];
            if (bias) {
                v += bias[gn];
            }
            *c = accumulate ? *c + v : v;
        }
    }
}

// sums[j] (+)= sum over the n rows of column j of x (n x columns), in double and in row order
extern "C" __global__ void ms_column_sums(const float* x, float* sums, int n, int columns, int accumulate) {
    for (int j = ms_first(); j < columns; j += ms_stride()) {
        double s = 0.0;
        for (int i = 0; i < n; i++) {
            s += x[(long long) i * columns + j];
        }
        sums[j] = (float) (accumulate ? sums[j] + s : s);
    }
}

// ---- optimizers: CpuBackend's formulas, operation for operation in float -------------------------------------

// g = dw + wd*w; with a velocity v = momentum*v + g; w -= lr*g (g being v then)
extern "C" __global__ void ms_sgd(float* w, const float* dw, float* velocity, int n, float lr, float momentum,
                                  float weightDecay) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        float g = dw[i] + weightDecay * w[i];
        if (velocity) {
            g = momentum * velocity[i] + g;
            velocity[i] = g;
        }
        w[i] = w[i] - lr * g;
    }
}

// g = dw + wd*w; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g; w -= stepSize*m / (sqrt(v)/sqrtCorrection2 + eps),
// stepSize = lr/(1-b1^t) and sqrtCorrection2 = sqrt(1-b2^t) computed in double on the host and rounded to float
extern "C" __global__ void ms_adam(float* w, const float* dw, float* m, float* v, int n, float stepSize, float beta1,
                                   float beta2, float eps, float weightDecay, float sqrtCorrection2) {
    for (int i = ms_first(); i < n; i += ms_stride()) {
        float g = dw[i] + weightDecay * w[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - stepSize * mi / (sqrtf(vi) / sqrtCorrection2 + eps);
    }
}
