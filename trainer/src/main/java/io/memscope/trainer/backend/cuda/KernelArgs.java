package io.memscope.trainer.backend.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The arguments of one kernel launch, in the order of the kernel's parameters, each with its C type: a device
 * pointer (an arena offset, or {@link DriverApi#NULL}), int, float or 64-bit integer. The driver packs them into
 * cuLaunchKernel's parameter array; a test checks each launch against the kernel's signature in the .cu source.
 */
public final class KernelArgs {
    /** The C types a kernel of ours takes. */
    public enum Type {
        POINTER,
        INT,
        FLOAT,
        LONG
    }

    /** One argument: its type and its value (pointer and long as a long, int as an int, float as a float). */
    public record Arg(Type type, Number value) {}

    private final List<Arg> args = new ArrayList<>();

    public static KernelArgs of() {
        return new KernelArgs();
    }

    public KernelArgs ptr(long arenaOffset) {
        if (arenaOffset < 0 && arenaOffset != DriverApi.NULL) {
            throw new IllegalArgumentException("device address " + arenaOffset + " is neither an arena offset nor NULL");
        }
        args.add(new Arg(Type.POINTER, arenaOffset));
        return this;
    }

    public KernelArgs i32(int value) {
        args.add(new Arg(Type.INT, value));
        return this;
    }

    /** A flag as C reads one: 1 or 0 in an int. */
    public KernelArgs flag(boolean value) {
        return i32(value ? 1 : 0);
    }

    public KernelArgs f32(float value) {
        args.add(new Arg(Type.FLOAT, value));
        return this;
    }

    public KernelArgs i64(long value) {
        args.add(new Arg(Type.LONG, value));
        return this;
    }

    public List<Arg> list() {
        return Collections.unmodifiableList(args);
    }

    public int size() {
        return args.size();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("(");
        for (Arg a : args) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(a.type().name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(a.value());
        }
        return b.append(')').toString();
    }
}
