// The command-line driver of the kernel emulator (KernelEmulator.java): runs one launch of one kernel on a memory
// image. Usage: emulator MEMORY.bin KERNEL GRID_X GRID_Y BLOCK_X ARG...
// MEMORY.bin is the arena's floats (little-endian), read, changed by the kernel and written back. Each ARG is
// its C type's letter and value: p<byte offset into the arena, -1 for a null pointer>, i<int>, f<float bits in
// hex>, l<64-bit integer>. The dispatch (generated from the kernels' signatures) checks the letters against the
// kernel's parameter list, so a launch packed with the wrong types fails here as it would misbehave on a GPU.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

inline std::vector<float> ms_memory;

struct Args {
    std::string types;
    std::vector<long long> integers;
    std::vector<float> floats;

    Args(int count, char** tokens) {
        for (int k = 0; k < count; k++) {
            char t = tokens[k][0];
            const char* v = tokens[k] + 1;
            types.push_back(t);
            if (t == 'f') {
                uint32_t bits = (uint32_t) std::stoul(v, nullptr, 16);
                float f;
                std::memcpy(&f, &bits, sizeof f);
                floats.push_back(f);
                integers.push_back(0);
            } else {
                integers.push_back(std::stoll(v));
                floats.push_back(0.0f);
            }
        }
    }

    void expect(const char* kernel, const char* signature) const {
        if (types != signature) {
            std::fprintf(stderr, "%s takes arguments %s, the launch passed %s\n", kernel, signature, types.c_str());
            std::exit(4);
        }
    }

    float* p(int k) const {
        long long offset = integers[k];
        if (offset < 0) {
            return nullptr;
        }
        if (offset % 4 != 0 || offset / 4 > (long long) ms_memory.size()) {
            std::fprintf(stderr, "pointer argument %d (%lld) is outside the arena\n", k, offset);
            std::exit(5);
        }
        return ms_memory.data() + offset / 4;
    }

    int i(int k) const { return (int) integers[k]; }
    float f(int k) const { return floats[k]; }
    long long l(int k) const { return integers[k]; }
};

bool ms_dispatch(const std::string& kernel, const Args& a, dim3 grid, dim3 block);

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: emulator MEMORY.bin KERNEL GRID_X GRID_Y BLOCK_X ARG...\n");
        return 2;
    }
    std::FILE* in = std::fopen(argv[1], "rb");
    if (!in) {
        std::perror(argv[1]);
        return 2;
    }
    std::fseek(in, 0, SEEK_END);
    long bytes = std::ftell(in);
    std::fseek(in, 0, SEEK_SET);
    ms_memory.resize(bytes / 4);
    if (std::fread(ms_memory.data(), 4, ms_memory.size(), in) != ms_memory.size()) {
        std::perror("read");
        return 2;
    }
    std::fclose(in);
    Args args(argc - 6, argv + 6);
    dim3 grid{(unsigned) std::stoul(argv[3]), (unsigned) std::stoul(argv[4]), 1};
    dim3 block{(unsigned) std::stoul(argv[5]), 1, 1};
    if (!ms_dispatch(argv[2], args, grid, block)) {
        std::fprintf(stderr, "no kernel %s\n", argv[2]);
        return 3;
    }
    std::FILE* out = std::fopen(argv[1], "wb");
    std::fwrite(ms_memory.data(), 4, ms_memory.size(), out);
    std::fclose(out);
    return 0;
}
