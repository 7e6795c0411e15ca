package io.memscope.trainer.backend.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kernels' source as tests read it: where it is, and each kernel's parameters with their C types. */
final class KernelSource {
    private KernelSource() {}

    record Param(KernelArgs.Type type, String declaration) {}

    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)");

    /** The repository's top folder (the build passes it as memscope.root). */
    static Path root() {
        return Path.of(System.getProperty("memscope.root", "..")).toAbsolutePath().normalize();
    }

    static Path cuda() {
        return root().resolve("resources/cuda");
    }

    static Path source() {
        return cuda().resolve("memscope_kernels.cu");
    }

    static Path ptx() {
        return cuda().resolve("memscope_kernels.ptx");
    }

    static Path emulationHeaders() {
        return root().resolve("trainer/src/test/cuda");
    }

    /** Every kernel of the .cu file, in file order, with its parameters. */
    static Map<String, List<Param>> signatures() {
        String text = new String(Kernels.resource(Kernels.SOURCE_RESOURCE), StandardCharsets.UTF_8);
        Map<String, List<Param>> out = new LinkedHashMap<>();
        Matcher m = KERNEL.matcher(text);
        while (m.find()) {
            List<Param> params = new ArrayList<>();
            for (String p : m.group(2).split(",")) {
                String d = p.strip().replaceAll("\\s+", " ");
                KernelArgs.Type type = d.contains("*") ? KernelArgs.Type.POINTER
                        : d.startsWith("long long ") ? KernelArgs.Type.LONG
                        : d.startsWith("int ") ? KernelArgs.Type.INT
                        : d.startsWith("float ") ? KernelArgs.Type.FLOAT : null;
                if (type == null) {
                    throw new IllegalStateException("kernel " + m.group(1) + " has a parameter of a type the backend "
                            + "cannot pass: " + d);
                }
                params.add(new Param(type, d));
            }
            out.put(m.group(1), params);
        }
        return out;
    }

    /** One letter per parameter (p, i, f, l), as the emulator's driver names argument types. */
    static String letters(List<KernelArgs.Type> types) {
        StringBuilder b = new StringBuilder();
        for (KernelArgs.Type t : types) {
            b.append(switch (t) {
                case POINTER -> 'p';
                case INT -> 'i';
                case FLOAT -> 'f';
                case LONG -> 'l';
            });
        }
        return b.toString();
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
