package io.memscope.trainer.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the samples come from, as the user writes it: {@code builtin}, {@code builtin:N}, {@code mnist:DIR} or
 * {@code cifar10:DIR}. Parsing only reads the text; {@link #open} reads the files, so a spec can be checked
 * when it is typed and opened when training starts.
 *
 * <p>The built-in source is made to fit the network ({@link ShapesDataset} of its input shape and class
 * count); the file sources have a fixed shape, and {@link #open} refuses a network they do not fit.
 */
public final class DataSource {
    /** Training samples of {@code builtin} without a count; the test part is a quarter of the training part. */
    public static final int DEFAULT_BUILTIN_SIZE = 8000;

    private static final String USAGE = "use builtin, builtin:N, mnist:DIR or cifar10:DIR";

    /** The kinds of source. */
    public enum Kind {
        BUILTIN,
        MNIST,
        CIFAR10
    }

    private final Kind kind;
    private final Path folder;
    private final int builtinSize;

    private DataSource(Kind kind, Path folder, int builtinSize) {
        this.kind = kind;
        this.folder = folder;
        this.builtinSize = builtinSize;
    }

    /** The built-in shapes with {@code size} training samples. */
    public static DataSource builtin(int size) {
        if (size < 1) {
            throw new DataException("builtin:N needs at least 1 sample, not " + size);
        }
        return new DataSource(Kind.BUILTIN, null, size);
    }

    public static DataSource mnist(Path folder) {
        return new DataSource(Kind.MNIST, folder, 0);
    }

    public static DataSource cifar10(Path folder) {
        return new DataSource(Kind.CIFAR10, folder, 0);
    }

    /** Reads a spec such as {@code mnist:~/data/mnist}; a leading {@code ~} stands for the home folder. */
    public static DataSource parse(String spec) {
        String text = spec == null ? "" : spec.trim();
        if (text.isEmpty()) {
            throw new DataException("no data source given: " + USAGE);
        }
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String argument = colon < 0 ? "" : text.substring(colon + 1).trim();
        return switch (name) {
            case "builtin" -> builtin(argument.isEmpty() ? DEFAULT_BUILTIN_SIZE : sampleCount(argument));
            case "mnist" -> mnist(folder(name, argument));
            case "cifar10", "cifar-10" -> cifar10(folder("cifar10", argument));
            default -> throw new DataException("unknown data source '" + text + "': " + USAGE);
        };
    }

    private static int sampleCount(String argument) {
        try {
            return Integer.parseInt(argument.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new DataException("builtin:N needs a whole number of samples, not '" + argument + "'");
        }
    }

    private static Path folder(String name, String argument) {
        if (argument.isEmpty()) {
            throw new DataException(name + " needs the folder holding its files: " + name + ":DIR");
        }
        if (argument.equals("~") || argument.startsWith("~/")) {
            argument = System.getProperty("user.home") + argument.substring(1);
        }
        return Path.of(argument);
    }

    public Kind kind() {
        return kind;
    }

    /** The folder of a file source; empty for the built-in one. */
    public Optional<Path> folder() {
        return Optional.ofNullable(folder);
    }

    /**
     * Opens the training and test parts for a network whose input is {@code channels}x{@code height}x{@code width}
     * with {@code classes} outputs. The built-in shapes are drawn to fit it, from {@code seed}; file data must
     * already fit, or a {@link DataException} says what differs.
     */
    public DataSplit open(int channels, int height, int width, int classes, long seed) {
        DataSplit split = switch (kind) {
            case BUILTIN -> openBuiltin(channels, height, width, classes, seed);
            case MNIST -> new DataSplit(MnistDataset.train(folder), MnistDataset.test(folder));
            case CIFAR10 -> new DataSplit(Cifar10Dataset.train(folder), Cifar10Dataset.test(folder));
        };
        checkFits(split.train(), channels, height, width, classes);
        checkFits(split.test(), channels, height, width, classes);
        return split;
    }

    private DataSplit openBuiltin(int channels, int height, int width, int classes, long seed) {
        try {
            return new DataSplit(
                    new ShapesDataset("train", channels, height, width, classes, builtinSize, seed),
                    new ShapesDataset("test", channels, height, width, classes, Math.max(1, builtinSize / 4), seed));
        } catch (IllegalArgumentException e) {
            throw new DataException("the built-in data cannot feed a network with input "
                    + Datasets.shape(channels, height, width) + " and " + classes + " outputs: " + e.getMessage(), e);
        }
    }

    /**
     * Throws a {@link DataException} unless {@code data} has the shape of the network input
     * ({@code channels}x{@code height}x{@code width}) and as many classes as the network has outputs.
     */
    public static void checkFits(Dataset data, int channels, int height, int width, int classes) {
        String input = Datasets.shape(channels, height, width);
        String images = Datasets.shape(data);
        if (!input.equals(images)) {
            throw new DataException("network input " + input + " does not match the " + images + " images of "
                    + data.name() + "; set the network input to " + images + " or use data of shape " + input
                    + " (builtin fits any shape)");
        }
        if (classes != data.classes()) {
            throw new DataException("the network has " + classes + " outputs but " + data.name() + " has "
                    + data.classes() + " classes; set the last layer's outputs to " + data.classes());
        }
    }

    /** The spec this source was parsed from, in its canonical form. */
    @Override
    public String toString() {
        return switch (kind) {
            case BUILTIN -> builtinSize == DEFAULT_BUILTIN_SIZE ? "builtin" : "builtin:" + builtinSize;
            case MNIST -> "mnist:" + folder;
            case CIFAR10 -> "cifar10:" + folder;
        };
    }
}
