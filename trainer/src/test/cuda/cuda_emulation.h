// Just enough of CUDA to compile resources/cuda/memscope_kernels.cu as C++ and run its kernels on the CPU
// (KernelEmulatorTest). A launch runs every block in turn; a block's threads are real threads, so
// __syncthreads() is a barrier and __shared__ arrays (function statics) are one copy shared by the block, as on
// a GPU. What this cannot show: warp-level timing, memory coalescing and races the order of threads hides.
#pragma once
#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <functional>
#include <thread>
#include <vector>

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;
inline std::barrier<>* ms_emulated_barrier = nullptr;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

inline void __syncthreads() { ms_emulated_barrier->arrive_and_wait(); }

inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }

inline int atomicMin(int* address, int value) {
    std::atomic_ref<int> a(*address);
    int old = a.load();
    while (value < old && !a.compare_exchange_weak(old, value)) {
    }
    return old;
}

using std::exp;
using std::fabs;
using std::floor;
using std::log;
using std::sqrt;
inline float fabsf(float v) { return std::fabs(v); }
inline float fmaxf(float a, float b) { return std::fmax(a, b); }
inline float floorf(float v) { return std::floor(v); }
inline float sqrtf(float v) { return std::sqrt(v); }

// Runs kernel() for every thread of every block of the grid: one thread per thread of a block, the blocks one
// after another, with a barrier between blocks so that no thread starts a block while another still reads the
// shared arrays of the one before.
inline void ms_emulate_launch(dim3 grid, dim3 block, const std::function<void()>& kernel) {
    gridDim = grid;
    blockDim = block;
    unsigned int threads = block.x * block.y * block.z;
    std::barrier<> barrier(threads);
    ms_emulated_barrier = &barrier;
    std::vector<std::thread> pool;
    for (unsigned int t = 0; t < threads; t++) {
        pool.emplace_back([&, t] {
            threadIdx = dim3{t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
            for (unsigned int bz = 0; bz < grid.z; bz++) {
                for (unsigned int by = 0; by < grid.y; by++) {
                    for (unsigned int bx = 0; bx < grid.x; bx++) {
                        blockIdx = dim3{bx, by, bz};
                        kernel();
                        barrier.arrive_and_wait();
                    }
                }
            }
        });
    }
    for (auto& t : pool) {
        t.join();
    }
    ms_emulated_barrier = nullptr;
}
