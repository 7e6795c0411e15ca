package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input at the command line: damaged or absurd network files, flag values out of range, broken data
 * folders and trace files. Every case must end with a non-zero exit and exactly one line on stderr that names
 * what is wrong (the file, the layer, the flag, the number), and no stack trace anywhere.
 */
class HostileInputCliTest {
    /** Usage errors (the command line itself) exit 2; a run that cannot go on exits 1. */
    private static final int USAGE = 2;
    private static final int FAILED = 1;

    /** Writes what the case needs into {@code dir} and returns the command line. */
    @FunctionalInterface
    interface Setup {
        String[] args(Path dir) throws IOException;
    }

    record Case(String name, int exit, Setup setup, String... expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneLine(Case c, @TempDir Path dir) throws IOException {
        String[] args = c.setup().args(dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new MemScopeCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        String shown = "exit " + code + "\nstderr:\n" + e + "\nstdout:\n" + o;

        assertEquals(c.exit(), code, shown);
        assertTrue(e.startsWith("memscope: ") && e.endsWith("\n"), shown);
        assertEquals(1, e.lines().count(), "exactly one line: " + shown);
        for (String part : c.expected()) {
            assertTrue(e.contains(part), "the line should contain '" + part + "': " + shown);
        }
        for (String text : List.of(o, e)) {
            assertFalse(text.contains("Exception"), "no exception: " + shown);
            assertFalse(text.contains("at io.memscope") || text.contains("\tat "), "no stack trace: " + shown);
        }
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.addAll(networkCases());
        all.addAll(flagCases());
        all.addAll(dataCases());
        all.addAll(traceCases());
        all.addAll(reversibleCases());
        return all.stream();
    }

    // ---- network files ------------------------------------------------------------------------------

    private static final String IN8 = "{\"channels\": 1, \"height\": 8, \"width\": 8}";
    private static final String FLAT = "{\"name\": \"flat\", \"type\": \"flatten\"}";
    private static final String FC = "{\"name\": \"fc\", \"type\": \"linear\", \"out_features\": 2}";
    private static final String LOSS = "{\"name\": \"loss\", \"type\": \"softmax_cross_entropy\"}";

    /** A network of the given input and layers. */
    static String net(String input, String... layers) {
        return "{\"format\": \"memscope-network\", \"schema\": 1, \"name\": \"hostile\", \"input\": " + input
                + ", \"layers\": [\n  " + String.join(",\n  ", layers) + "]}\n";
    }

    /** A conv layer {@code conv1} with the given fields, then flatten, linear and the loss. */
    static String conv(String fields) {
        return net(IN8, "{\"name\": \"conv1\", \"type\": \"conv2d\", " + fields + "}", FLAT, FC, LOSS);
    }

    /** {@code plan FILE} of a network file with this text. */
    static Case plan(String name, String text, String... expected) {
        String file = slug(name) + ".json";
        return new Case("network: " + name, FAILED, dir -> new String[] {"plan", write(dir, file, text), "--batch", "2"},
                withFile(file, expected));
    }

    /** {@code train FILE} (one step of two samples) of a network file with this text. */
    static Case train(String name, String text, String... expected) {
        String file = slug(name) + ".json";
        return new Case("network (train): " + name, FAILED, dir -> new String[] {"train", write(dir, file, text),
                "--steps", "1", "--batch", "2", "--eval", "0", "--data", "builtin:8", "--quiet"},
                withFile(file, expected));
    }

    // ---- reversible layers and conversion ------------------------------------------------------------

    private static final String IN2 = "{\"channels\": 2, \"height\": 8, \"width\": 8}";

    /** A network of one layer of the given fields between the input and flatten, linear and the loss. */
    static String one(String input, String layer) {
        return net(input, layer, FLAT, FC, LOSS);
    }

    static List<Case> reversibleCases() {
        String plainNet = net(IN8, FLAT, FC, LOSS);
        return List.of(
                plan("coupling on one channel", one(IN8, "{\"name\": \"rev\", \"type\": \"coupling\"}"),
                        "rev: splits its input's channels into two halves, but its input has 1 channel"),
                plan("coupling with an even kernel", one(IN2, "{\"name\": \"rev\", \"type\": \"coupling\", \"kernel\": 4}"),
                        "rev: kernel must be odd", "got 4"),
                plan("coupling with hidden 0", one(IN2, "{\"name\": \"rev\", \"type\": \"coupling\", \"hidden\": 0}"),
                        "rev: hidden must be at least 1, got 0"),
                plan("space_to_depth in blocks of 3 on 8x8", one(IN8,
                        "{\"name\": \"sq\", \"type\": \"space_to_depth\", \"block\": 3}"),
                        "sq: input 1x8x8 does not split into 3x3 blocks"),
                plan("inv_batchnorm2d with scale_eps 0", one(IN8,
                        "{\"name\": \"bn\", \"type\": \"inv_batchnorm2d\", \"scale_eps\": 0}"),
                        "bn: scale_eps must be in (0, 1], got 0"),
                new Case("convert: no such file", FAILED, dir -> new String[] {"convert", dir.resolve("gone.json").toString()},
                        "gone.json: no such file"),
                new Case("convert: nothing to convert", FAILED, dir -> new String[] {"convert",
                        write(dir, "plain.json", plainNet)}, "plain.json: ", "nothing to make reversible"),
                new Case("convert: the output exists", USAGE, dir -> {
                    String existing = write(dir, "taken.json", "{}");
                    return new String[] {"convert", TestPaths.sample("resnet18_cifar").toString(), "--out", existing};
                }, "taken.json exists", "--force"),
                new Case("convert: --out names a folder", USAGE, dir -> new String[] {"convert",
                        TestPaths.sample("resnet18_cifar").toString(), "--out", dir.toString(), "--force"},
                        "is a folder; name the file to write"),
                new Case("convert: two files", USAGE, dir -> new String[] {"convert", "a.json", "b.json"},
                        "name one network file to convert"),
                new Case("compressed: --eb 0", USAGE, dir -> new String[] {"train", "lenet5", "--mode", "compressed", "--eb",
                        "0"}, "--eb: error bound '0' must be positive", "rel:1e-3"),
                new Case("compressed: --eb abc", USAGE, dir -> new String[] {"plan", "lenet5", "--mode", "compressed",
                        "--eb", "abc"}, "--eb: error bound 'abc' is not a number"),
                new Case("compressed: --eb rel:2", USAGE, dir -> new String[] {"plan", "lenet5", "--mode", "compressed",
                        "--eb", "rel:2"}, "must be positive and at most 1"),
                new Case("compressed: --reestimate 0", USAGE, dir -> new String[] {"train", "lenet5", "--mode",
                        "compressed", "--reestimate", "0"}, "--reestimate must be a whole number of steps, at least 1"),
                new Case("compressed: --eb without the mode", USAGE, dir -> new String[] {"train", "lenet5", "--eb",
                        "1e-3"}, "--eb is a setting of the compressed mode", "--mode compressed"),
                new Case("--fit-batch with --batch", USAGE, dir -> new String[] {"train", "lenet5", "--fit-batch",
                        "--batch", "8"}, "--fit-batch chooses the batch; leave --batch out"),
                new Case("--fit-batch in a budget nothing fits", FAILED, dir -> new String[] {"train", "lenet5",
                        "--fit-batch", "--budget", "64KiB", "--eval", "0"}, "does not fit 64.0 KiB even at batch 1"),
                new Case("convert: an unknown option", USAGE, dir -> new String[] {"convert",
                        TestPaths.sample("resnet18_cifar").toString(), "--out", dir.resolve("r.json").toString(),
                        "--fast", "1"}, "--fast"));
    }

    private static String[] withFile(String file, String... expected) {
        String[] all = Arrays.copyOf(expected, expected.length + 1);
        all[expected.length] = file + ": ";
        return all;
    }

    static List<Case> networkCases() {
        String huge = "{\"channels\": 3, \"height\": 100000, \"width\": 100000}";
        return List.of(
                plan("JSON cut short", "{\"input\": {\"channels\": 1,", "not valid JSON"),
                plan("JSON with a stray brace", "{\"input\": " + IN8 + "}, \"layers\": []}", "not valid JSON"),
                plan("empty file", "", "the file is empty"),
                plan("a list, not an object", "[1, 2, 3]", "a network file holds one JSON object"),
                plan("layers is an object", "{\"input\": " + IN8 + ", \"layers\": {}}", "\"layers\" is an object"),
                plan("no input", "{\"layers\": [" + LOSS + "]}", "missing \"input\""),
                plan("input channels a string", net("{\"channels\": \"three\", \"height\": 8, \"width\": 8}", FLAT, FC,
                        LOSS), "input: channels must be a whole number, got \"three\""),
                plan("input height fractional", net("{\"channels\": 1, \"height\": 3.5, \"width\": 8}", FLAT, FC, LOSS),
                        "input: height must be a whole number, got 3.5"),
                plan("input width zero", net("{\"channels\": 1, \"height\": 8, \"width\": 0}", FLAT, FC, LOSS),
                        "input: width must be at least 1, got 0"),
                plan("input channels 1e400", net("{\"channels\": 1e400, \"height\": 8, \"width\": 8}", FLAT, FC, LOSS),
                        "input: channels must be at most 2147483647, got 1e400"),
                plan("input 3x100000x100000", net(huge, "{\"name\": \"conv1\", \"type\": \"conv2d\", "
                        + "\"out_channels\": 2, \"kernel\": 3}", FLAT, FC, LOSS),
                        "input: 3x100000x100000 is 30,000,000,000 values per sample", "2^31-1"),
                train("input 3x100000x100000", net(huge, FLAT, FC, LOSS), "input: 3x100000x100000", "2^31-1"),
                plan("out_channels 1e9 then flatten", conv("\"out_channels\": 1000000000, \"kernel\": 3"),
                        "conv1: its output 1000000000x6x6 is 36,000,000,000 values per sample",
                        "out_channels (1000000000)", "2^31-1"),
                plan("out_channels 1e9 then global pooling", net(IN8, "{\"name\": \"conv1\", \"type\": \"conv2d\", "
                        + "\"out_channels\": 1000000000, \"kernel\": 3}", "{\"name\": \"gap\", \"type\": "
                        + "\"global_avgpool\"}", FLAT, FC, LOSS), "conv1: its output 1000000000x6x6", "2^31-1"),
                train("out_channels 1e9", conv("\"out_channels\": 1000000000, \"kernel\": 3"),
                        "conv1: its output 1000000000x6x6"),
                plan("out_channels 1e400", conv("\"out_channels\": 1e400, \"kernel\": 3"),
                        "conv1: out_channels must be at most 2147483647, got 1e400"),
                plan("out_channels 3e9", conv("\"out_channels\": 3000000000, \"kernel\": 3"),
                        "conv1: out_channels must be at most 2147483647, got 3000000000"),
                plan("out_channels a string", conv("\"out_channels\": \"16\", \"kernel\": 3"),
                        "conv1: out_channels must be a whole number, got \"16\" (text in quotes; write the number without them)"),
                plan("out_channels fractional", conv("\"out_channels\": 3.5, \"kernel\": 3"),
                        "conv1: out_channels must be a whole number, got 3.5"),
                plan("out_channels zero", conv("\"out_channels\": 0, \"kernel\": 3"),
                        "conv1: out_channels must be at least 1, got 0"),
                plan("out_channels negative", conv("\"out_channels\": -3, \"kernel\": 3"),
                        "conv1: out_channels must be at least 1, got -3"),
                plan("kernel zero", conv("\"out_channels\": 2, \"kernel\": 0"), "conv1: kernel must be at least 1, got 0"),
                plan("kernel negative", conv("\"out_channels\": 2, \"kernel\": -2"),
                        "conv1: kernel must be at least 1, got -2"),
                plan("stride zero", conv("\"out_channels\": 2, \"kernel\": 3, \"stride\": 0"),
                        "conv1: stride must be at least 1, got 0"),
                plan("padding negative", conv("\"out_channels\": 2, \"kernel\": 3, \"padding\": -1"),
                        "conv1: padding must not be negative, got -1"),
                plan("padding 2^31-1", conv("\"out_channels\": 2, \"kernel\": 3, \"padding\": 2147483647"),
                        "conv1: padding 2147483647 makes the padded input 4294967302x4294967302"),
                plan("padding 30000", conv("\"out_channels\": 2, \"kernel\": 3, \"padding\": 30000"),
                        "conv1: its output 2x60006x60006 is 7,201,440,072 values per sample", "padding (30000)"),
                plan("kernel larger than the input", conv("\"out_channels\": 2, \"kernel\": 9"),
                        "conv1: kernel 9 larger than padded input 8x8"),
                plan("pool padding beyond half the kernel", net(IN8, "{\"name\": \"pool1\", \"type\": \"maxpool2d\", "
                        + "\"kernel\": 2, \"padding\": 2}", FLAT, FC, LOSS), "pool1: padding 2 must be at most half"),
                plan("a layer reads itself", net(IN8, "{\"name\": \"conv1\", \"type\": \"conv2d\", \"out_channels\": 2,"
                        + " \"kernel\": 3, \"inputs\": [\"conv1\"]}", FLAT, FC, LOSS),
                        "conv1: \"inputs\" names conv1 itself"),
                plan("a later layer reads itself", net(IN8, FLAT, "{\"name\": \"fc\", \"type\": \"linear\", "
                        + "\"out_features\": 2, \"inputs\": \"fc\"}", LOSS), "fc: \"inputs\" names fc itself"),
                plan("two layers read each other", net(IN8, "{\"name\": \"a\", \"type\": \"relu\", \"inputs\": [\"b\"]}",
                        "{\"name\": \"b\", \"type\": \"relu\", \"inputs\": [\"a\"]}", FLAT, FC, LOSS),
                        "a: input 'b' comes later in the file"),
                plan("a name used twice", net(IN8, "{\"name\": \"fc\", \"type\": \"flatten\"}", FC, LOSS),
                        "fc: name 'fc' is used twice"),
                plan("a layer named input", net(IN8, "{\"name\": \"input\", \"type\": \"flatten\"}", FC, LOSS),
                        "(\"input\" is the network's data)"),
                plan("an empty name", net(IN8, "{\"name\": \"\", \"type\": \"flatten\"}", FC, LOSS),
                        "layer 1: name must not be empty"),
                plan("unknown layer type", net(IN8, "{\"name\": \"c3\", \"type\": \"conv3d\"}", FLAT, FC, LOSS),
                        "c3: unknown layer type 'conv3d'"),
                plan("a layer without type", net(IN8, FLAT, "{\"name\": \"fc\", \"out_features\": 2}", LOSS),
                        "layer 2: missing \"type\""),
                plan("no layers", net(IN8), "the network has no layers"),
                plan("no loss", net(IN8, FLAT, FC), "fc: the last layer must be the loss"),
                plan("two losses", net(IN8, FLAT, FC, "{\"name\": \"l1\", \"type\": \"softmax_cross_entropy\", "
                        + "\"inputs\": \"fc\"}", "{\"name\": \"loss\", \"type\": \"softmax_cross_entropy\", "
                        + "\"inputs\": \"fc\"}"), "the network has 2 loss layers"),
                plan("the loss reads the raw input", net("{\"channels\": 4, \"height\": 1, \"width\": 1}", LOSS),
                        "loss: the loss needs class scores from a layer"),
                plan("an input nobody defines", net(IN8, "{\"name\": \"flat\", \"type\": \"flatten\", \"inputs\": "
                        + "\"ghost\"}", FC, LOSS), "flat: input 'ghost' is not a layer of this network"),
                plan("inputs an object", net(IN8, "{\"name\": \"flat\", \"type\": \"flatten\", \"inputs\": {}}", FC,
                        LOSS), "flat: \"inputs\" is a layer name or a list of them"),
                plan("a layer that is a number", net(IN8, FLAT, "5", LOSS), "layer 2: each layer is a JSON object"),
                plan("a field that is a list", conv("\"out_channels\": 2, \"kernel\": [3]"),
                        "conv1: kernel must be a number or true/false"),
                plan("a misspelt field", conv("\"out_channels\": 2, \"kernal\": 3"), "conv1: unknown field kernal"),
                plan("bias a string", conv("\"out_channels\": 2, \"kernel\": 3, \"bias\": \"yes\""),
                        "conv1: bias must be true or false, got yes"),
                plan("dropout p above 1", net(IN8, FLAT, "{\"name\": \"drop\", \"type\": \"dropout\", \"p\": 1.5}",
                        FC, LOSS), "drop: p must be in [0, 1), got 1.5"),
                plan("dropout p NaN", net(IN8, FLAT, "{\"name\": \"drop\", \"type\": \"dropout\", \"p\": NaN}",
                        FC, LOSS), "drop: p must be a number, got NaN"),
                plan("dropout p 1e400", net(IN8, FLAT, "{\"name\": \"drop\", \"type\": \"dropout\", \"p\": 1e400}",
                        FC, LOSS), "drop: p must be a finite number, got 1e400"),
                plan("batch norm eps zero", net(IN8, "{\"name\": \"bn\", \"type\": \"batchnorm2d\", \"eps\": 0}",
                        FLAT, FC, LOSS), "bn: eps must be positive, got 0"),
                plan("batch norm momentum 2", net(IN8, "{\"name\": \"bn\", \"type\": \"batchnorm2d\", \"momentum\": 2}",
                        FLAT, FC, LOSS), "bn: momentum must be in [0, 1], got 2"),
                plan("leaky slope negative", net(IN8, "{\"name\": \"act\", \"type\": \"leaky_relu\", "
                        + "\"negative_slope\": -1}", FLAT, FC, LOSS), "act: negative_slope must be in [0, 1), got -1"),
                plan("add of different shapes", net(IN8, "{\"name\": \"a\", \"type\": \"conv2d\", \"out_channels\": 2,"
                        + " \"kernel\": 3}", "{\"name\": \"sum\", \"type\": \"add\", \"inputs\": [\"a\", \"input\"]}",
                        FLAT, FC, LOSS), "sum: cannot add 2x6x6 and 1x8x8"),
                plan("add of three inputs", net(IN8, "{\"name\": \"a\", \"type\": \"relu\"}", "{\"name\": \"sum\", "
                        + "\"type\": \"add\", \"inputs\": [\"a\", \"a\", \"input\"]}", FLAT, FC, LOSS),
                        "sum: an add layer takes 2 inputs, got 3"),
                plan("concat of different heights", net(IN8, "{\"name\": \"a\", \"type\": \"conv2d\", "
                        + "\"out_channels\": 2, \"kernel\": 3}", "{\"name\": \"cat\", \"type\": \"concat\", "
                        + "\"inputs\": [\"a\", \"input\"]}", FLAT, FC, LOSS), "cat: cannot concatenate 2x6x6"),
                plan("concat past 2^31-1 channels", net("{\"channels\": 1, \"height\": 1, \"width\": 1}",
                        "{\"name\": \"a\", \"type\": \"conv2d\", \"out_channels\": 1200000000, \"kernel\": 1}",
                        "{\"name\": \"b\", \"type\": \"conv2d\", \"out_channels\": 1200000000, \"kernel\": 1, "
                                + "\"inputs\": \"input\"}",
                        "{\"name\": \"cat\", \"type\": \"concat\", \"inputs\": [\"a\", \"b\"]}", FLAT, FC, LOSS),
                        "cat: its output 2400000000x1x1 is 2,400,000,000 values per sample"),
                plan("one class score", net(IN8, FLAT, "{\"name\": \"fc\", \"type\": \"linear\", \"out_features\": 1}",
                        LOSS), "loss: needs at least 2 class scores, got 1x1x1"),
                plan("a weight past 2^31-1 values", net("{\"channels\": 1, \"height\": 20000, \"width\": 20000}", FLAT,
                        "{\"name\": \"fc\", \"type\": \"linear\", \"out_features\": 10}", LOSS),
                        "fc: its weight 10x400000000x1x1 is 4,000,000,000 values (14.9 GiB)", "out_features (10)"),
                plan("a newer schema", "{\"schema\": 99, \"input\": " + IN8 + ", \"layers\": []}",
                        "schema 99 is newer than this MemScope reads"),
                plan("another format", "{\"format\": \"onnx\", \"input\": " + IN8 + ", \"layers\": []}",
                        "format is 'onnx', expected 'memscope-network'"),
                new Case("network: no such file", FAILED, dir -> new String[] {"plan", dir.resolve("nope.json").toString()},
                        "nope.json: no such file"),
                new Case("network: a folder", FAILED, dir -> {
                    Files.createDirectories(dir.resolve("folder.json"));
                    return new String[] {"plan", dir.resolve("folder.json").toString()};
                }, "folder.json: is a folder, not a network file"));
    }

    // ---- flags --------------------------------------------------------------------------------------

    /** A small network that trains in milliseconds. */
    static final String TINY = net(IN8, "{\"name\": \"conv1\", \"type\": \"conv2d\", \"out_channels\": 2, \"kernel\": 3}",
            FLAT, FC, LOSS);

    /** {@code train tiny.json ARGS} with small settings the case's flags come after (and may clash with). */
    static Case trainFlags(String flags, String... expected) {
        List<String> small = new ArrayList<>(List.of("--quiet"));
        if (!flags.contains("--batch")) {
            small.addAll(List.of("--batch", "2"));
        }
        if (!flags.contains("--data")) {
            small.addAll(List.of("--data", "builtin:8"));
        }
        return new Case("train " + flags, USAGE, dir -> concat(concat(new String[] {"train", write(dir, "tiny.json", TINY)},
                small.toArray(String[]::new)), flags), expected);
    }

    static Case planFlags(String flags, String... expected) {
        return new Case("plan " + flags, USAGE, dir -> concat(new String[] {"plan", write(dir, "tiny.json", TINY)}, flags),
                expected);
    }

    static Case exportFlags(String flags, String... expected) {
        return new Case("export " + flags, USAGE, dir -> concat(new String[] {"export", write(dir, "ok.json",
                trace(ALLOC_0, FREE_0)), "--png", dir.resolve("o.png").toString()}, flags), expected);
    }

    static List<Case> flagCases() {
        return List.of(
                trainFlags("--steps 0", "--steps must be at least 1, got 0"),
                trainFlags("--steps -3", "--steps must be at least 1, got -3"),
                trainFlags("--steps abc", "--steps takes a whole number, got 'abc'"),
                trainFlags("--steps 1.5", "--steps takes a whole number, got '1.5'"),
                trainFlags("--steps 99999999999", "--steps must be at most 2147483647, got 99999999999"),
                trainFlags("--steps=", "--steps takes a whole number, got ''"),
                trainFlags("--epochs 0", "--epochs must be at least 1, got 0"),
                trainFlags("--epochs -1", "--epochs must be at least 1, got -1"),
                trainFlags("--steps 2 --epochs 1", "give --steps or --epochs, not both"),
                trainFlags("--steps 1 --eval -5", "--eval must be at least 0, got -5"),
                trainFlags("--steps 1 --eval 1.5", "--eval takes a whole number, got '1.5'"),
                trainFlags("--steps 1 --batch 0", "--batch must be at least 1, got 0"),
                planFlags("--batch -4", "--batch must be at least 1, got -4"),
                trainFlags("--steps 1 --threads 0", "--threads must be from 1 to 1024, got 0"),
                planFlags("--threads 100000", "--threads must be from 1 to 1024, got 100000"),
                trainFlags("--steps 1 --lr 0", "--lr must be more than 0, got 0"),
                trainFlags("--steps 1 --lr -0.1", "--lr must be more than 0, got -0.1"),
                trainFlags("--steps 1 --lr NaN", "--lr takes a finite number, got 'NaN'"),
                trainFlags("--steps 1 --lr Infinity", "--lr takes a finite number, got 'Infinity'"),
                trainFlags("--steps 1 --lr fast", "--lr takes a number, got 'fast'"),
                trainFlags("--steps 1 --momentum 1", "--momentum must be at least 0 and less than 1, got 1"),
                trainFlags("--steps 1 --momentum -0.5", "--momentum must be at least 0 and less than 1, got -0.5"),
                trainFlags("--steps 1 --momentum NaN", "--momentum takes a finite number, got 'NaN'"),
                trainFlags("--steps 1 --weight-decay -1", "--weight-decay must be at least 0, got -1"),
                trainFlags("--steps 1 --weight-decay NaN", "--weight-decay takes a finite number, got 'NaN'"),
                trainFlags("--steps 1 --weight-decay Infinity", "--weight-decay takes a finite number, got 'Infinity'"),
                trainFlags("--steps 1 --optimizer rmsprop", "--optimizer: unknown optimizer 'rmsprop'; use sgd or adam"),
                trainFlags("--steps 1 --budget 0", "--budget: '0' is less than one byte"),
                planFlags("--budget -1MiB", "--budget: '-1MiB' is negative"),
                planFlags("--budget 12XB", "--budget: unknown unit 'XB' in '12XB'"),
                planFlags("--budget lots", "--budget: 'lots' is not a size"),
                planFlags("--budget 0.1B", "--budget: '0.1B' is less than one byte"),
                planFlags("--budget 99999999TiB", "--budget: '99999999TiB' is more than"),
                trainFlags("--steps 1 --log-every -1", "--log-every must be at least 0, got -1"),
                trainFlags("--steps 1 --seed abc", "--seed takes a whole number, got 'abc'"),
                trainFlags("--stpes 3", "'train' does not take --stpes"),
                planFlags("--fast 1", "'plan' does not take --fast"),
                trainFlags("--steps 1 --steps 2", "--steps is given twice ('1' and '2'); give it once"),
                planFlags("--batch=2 --batch 4", "--batch is given twice ('2' and '4'); give it once"),
                planFlags("--mode magic", "--mode: unknown mode 'magic'"),
                planFlags("--mode row-centric --bands 0", "--bands: band count must be at least 1, got 0"),
                trainFlags("--steps 1 --data imagenet:/x", "--data: unknown data source 'imagenet:/x'"),
                trainFlags("--steps 1 --data mnist:", "--data: mnist needs the folder holding its files"),
                trainFlags("--steps 1 --data builtin:0", "--data: builtin:N needs at least 1 sample, not 0"),
                trainFlags("--steps 1 --data builtin:many", "--data: builtin:N needs a whole number of samples"),
                new Case("train without a network", USAGE, dir -> new String[] {"train", "--steps", "1"},
                        "name one network file"),
                new Case("an unknown command", USAGE, dir -> new String[] {"trian"}, "unknown command 'trian'"),
                exportFlags("--width 5", "--width must be from 200 to 16384, got 5"),
                exportFlags("--height 0", "--height must be from 200 to 16384, got 0"),
                exportFlags("--width 20000", "--width must be from 200 to 16384, got 20000"),
                exportFlags("--width wide", "--width takes a whole number, got 'wide'"),
                exportFlags("--axis bytes", "--axis is time or events, got 'bytes'"),
                exportFlags("--steps 5-2", "the trace has no steps 5-2"));
    }

    private static String[] concat(String[] head, String flags) {
        return concat(head, flags.split(" "));
    }

    private static String[] concat(String[] head, String[] tail) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    // ---- data ---------------------------------------------------------------------------------------

    static final String MNIST_NET = net("{\"channels\": 1, \"height\": 4, \"width\": 4}", FLAT,
            "{\"name\": \"fc\", \"type\": \"linear\", \"out_features\": 10}", LOSS);
    static final String CIFAR_NET = net("{\"channels\": 3, \"height\": 32, \"width\": 32}", FLAT,
            "{\"name\": \"fc\", \"type\": \"linear\", \"out_features\": 10}", LOSS);

    /** {@code train} on {@code --data KIND:DIR} after {@code files} filled DIR; the data fails before any step. */
    static Case data(String name, String kind, String net, DataFiles files, String... expected) {
        return new Case("data: " + name, FAILED, dir -> {
            Path folder = Files.createDirectories(dir.resolve("data"));
            files.write(folder);
            return new String[] {"train", write(dir, "net.json", net), "--data", kind + ":" + folder, "--steps", "1",
                "--batch", "2", "--eval", "0", "--quiet"};
        }, expected);
    }

    @FunctionalInterface
    interface DataFiles {
        void write(Path folder) throws IOException;
    }

    static byte[] idxImages(int count, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(0x803).putInt(count).putInt(rows).putInt(cols);
        return b.array();
    }

    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(0x801).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    /** A complete 4x4 MNIST-format folder, with one file replaced. */
    static DataFiles mnist(String replaced, byte[] content) {
        return folder -> {
            Files.write(folder.resolve("train-images-idx3-ubyte"), idxImages(3, 4, 4));
            Files.write(folder.resolve("train-labels-idx1-ubyte"), idxLabels(1, 2, 3));
            Files.write(folder.resolve("t10k-images-idx3-ubyte"), idxImages(2, 4, 4));
            Files.write(folder.resolve("t10k-labels-idx1-ubyte"), idxLabels(4, 5));
            if (replaced != null) {
                Files.write(folder.resolve(replaced), content);
            }
        };
    }

    /** A CIFAR-10 folder of one training batch and the test batch, records of 3073 bytes. */
    static DataFiles cifar(byte[] train, byte[] test) {
        return folder -> {
            Files.write(folder.resolve("data_batch_1.bin"), train);
            Files.write(folder.resolve("test_batch.bin"), test);
        };
    }

    static List<Case> dataCases() {
        byte[] garbage = "these are not the images you are looking for".getBytes(StandardCharsets.UTF_8);
        byte[] truncated = Arrays.copyOf(idxImages(3, 4, 4), 16 + 20);
        byte[] record = new byte[3073];
        byte[] badLabel = record.clone();
        badLabel[0] = 12;
        byte[] corruptGzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
        return List.of(
                new Case("data: mnist folder that does not exist", FAILED, dir -> new String[] {"train",
                    write(dir, "net.json", MNIST_NET), "--data", "mnist:" + dir.resolve("nonexistent"), "--steps", "1"},
                        "nonexistent does not exist"),
                new Case("data: mnist names a file", FAILED, dir -> new String[] {"train",
                    write(dir, "net.json", MNIST_NET), "--data", "mnist:" + dir.resolve("net.json"), "--steps", "1"},
                        "net.json is a file"),
                data("empty mnist folder", "mnist", MNIST_NET, folder -> { }, "has no train-images-idx3-ubyte"),
                data("garbage idx file", "mnist", MNIST_NET, mnist("train-images-idx3-ubyte", garbage),
                        "train-images-idx3-ubyte starts with magic number"),
                data("truncated idx file", "mnist", MNIST_NET, mnist("train-images-idx3-ubyte", truncated),
                        "train-images-idx3-ubyte is truncated"),
                data("idx file cut inside its header", "mnist", MNIST_NET,
                        mnist("train-labels-idx1-ubyte", new byte[] {0, 0, 8, 1, 0}),
                        "train-labels-idx1-ubyte ends inside its header"),
                data("idx header claiming absurd sizes", "mnist", MNIST_NET, mnist("train-images-idx3-ubyte",
                        ByteBuffer.allocate(16).putInt(0x803).putInt(1 << 30).putInt(1 << 20).putInt(1 << 20).array()),
                        "claims 1073741824 images of 1048576x1048576 pixels"),
                data("labels and images swapped", "mnist", MNIST_NET, mnist("train-images-idx3-ubyte", idxLabels(1, 2, 3)),
                        "it is a labels file; were the images and labels files swapped?"),
                data("fewer labels than images", "mnist", MNIST_NET, mnist("train-labels-idx1-ubyte", idxLabels(1, 2)),
                        "holds 3 images but", "holds 2 labels"),
                data("a label that is not a digit", "mnist", MNIST_NET, mnist("t10k-labels-idx1-ubyte", idxLabels(4, 12)),
                        "label 12, not a digit 0-9"),
                data("a damaged gzip idx file", "mnist", MNIST_NET, mnist("train-images-idx3-ubyte", corruptGzip),
                        "starts like a gzip file but is damaged"),
                data("mnist images smaller than the network input", "mnist", TINY, mnist(null, null),
                        "network input 1x8x8 does not match the 1x4x4 images"),
                data("empty cifar10 folder", "cifar10", CIFAR_NET, folder -> { }, "has no data_batch_1.bin"),
                data("cifar10 file of the wrong size", "cifar10", CIFAR_NET,
                        cifar(Arrays.copyOf(record, 5000), record), "data_batch_1.bin is 5000 bytes, not a multiple of 3073"),
                data("cifar10 label out of range", "cifar10", CIFAR_NET, cifar(record, badLabel),
                        "test_batch.bin record 0 has label 12"),
                data("cifar10 test batch missing", "cifar10", CIFAR_NET,
                        folder -> Files.write(folder.resolve("data_batch_1.bin"), record), "has no test_batch.bin"));
    }

    // ---- trace files --------------------------------------------------------------------------------

    private static final String COLUMNS = "\"columns\":[\"seq.delta\",\"timeNs.delta\",\"action\",\"tensorId\","
            + "\"tensorName\",\"layer\",\"category\",\"offset\",\"bytes\",\"step\",\"phase\",\"requestedBytes\","
            + "\"freeBytes\",\"largestFreeBytes\"],";
    private static final String TABLES = "\"actions\":[\"ALLOC\",\"FREE\",\"SWAP_OUT\",\"SWAP_IN\",\"COMPRESS\","
            + "\"DECOMPRESS\",\"RECOMPUTE\",\"OOM\",\"PHASE\",\"SEGMENT\"],\"categories\":[\"INPUT\",\"PARAMETER\","
            + "\"GRADIENT\",\"OPTIMIZER_STATE\",\"ACTIVATION\",\"ACTIVATION_GRAD\",\"WORKSPACE\",\"COMPRESSED\","
            + "\"TEMPORARY\"],\"strings\":[\"\",\"conv1.out\",\"conv1\",\"forward\"],";
    private static final String INFO = "\"info\":{\"network\":\"n\",\"mode\":\"baseline\",\"backend\":\"cpu\","
            + "\"batch\":2,\"budgetBytes\":1048576,\"extra\":{}},";
    /** seq.delta, timeNs.delta, action, tensorId, tensorName, layer, category, offset, bytes, step, phase. */
    static final String SEGMENT_0 = "[0,0,9,-1,0,0,-1,-1,0,0,0]";
    static final String ALLOC_0 = "[0,0,0,1,1,2,4,0,256,0,3]";
    static final String FREE_0 = "[1,100,1,1,1,2,4,0,256,0,3]";

    /** A trace file of these event rows, with the standard header. */
    static String trace(String... rows) {
        return traceWith(INFO, rows);
    }

    static String traceWith(String info, String... rows) {
        return "{\"format\":\"memscope-trace\",\n\"schema\":1,\n" + info + "\n" + COLUMNS + "\n" + TABLES
                + "\n\"events\":[\n" + String.join(",\n", rows) + "\n]}\n";
    }

    /** {@code export FILE --perfetto OUT} of a trace file with this text. */
    static Case export(String name, String text, String... expected) {
        return exportBytes(name, text.getBytes(StandardCharsets.UTF_8), expected);
    }

    static Case exportBytes(String name, byte[] content, String... expected) {
        String file = slug(name) + ".json";
        return new Case("trace: " + name, FAILED, dir -> {
            Files.write(dir.resolve(file), content);
            return new String[] {"export", dir.resolve(file).toString(), "--perfetto", dir.resolve("out.json").toString()};
        }, withFile(file, expected));
    }

    static List<Case> traceCases() {
        String good = trace(SEGMENT_0, "[1,10,0,1,1,2,4,0,256,0,3]", "[1,100,1,1,1,2,4,0,256,0,3]");
        return List.of(
                export("negative bytes", trace("[0,0,0,1,1,2,4,0,-256,0,3]"), "event 0 (seq 0, ALLOC)", "bytes -256"),
                export("negative offset", trace("[0,0,0,1,1,2,4,-512,256,0,3]"), "event 0 (seq 0, ALLOC)",
                        "offset -512"),
                export("offset plus bytes overflowing", trace("[0,0,0,1,1,2,4,9223372036854775800,256,0,3]"),
                        "event 0 (seq 0, ALLOC)", "offset 9223372036854775800 and bytes 256"),
                export("a block past the budget", trace("[0,0,0,1,1,2,4,1048576,256,0,3]"), "event 0 (seq 0, ALLOC)",
                        "offset 1048576 and bytes 256", "budget of 1048576 bytes"),
                export("time going backwards", trace(ALLOC_0, "[1,-50,1,1,1,2,4,0,256,0,3]"), "event 1 (seq 1, FREE)",
                        "timeNs -50", "before the 0"),
                export("negative time", trace("[0,-5,0,1,1,2,4,0,256,0,3]"), "event 0 (seq 0, ALLOC)", "timeNs -5"),
                export("a sequence number repeated", trace(ALLOC_0, "[0,100,1,1,1,2,4,0,256,0,3]"),
                        "event 1 (seq 0, FREE)", "has seq 0, which does not follow the seq 0 of event 0"),
                export("a sequence number going back", trace("[5,0,0,1,1,2,4,0,256,0,3]", "[-2,100,1,1,1,2,4,0,256,0,3]"),
                        "event 1 (seq 3, FREE)", "does not follow the seq 5"),
                export("a negative first sequence number", trace("[-1,0,0,1,1,2,4,0,256,0,3]"), "event 0 (seq -1, ALLOC)",
                        "seq -1"),
                export("NaN for a value", trace("[0,0,0,1,1,2,4,0,NaN,0,3]"), "not valid JSON"),
                export("a fractional value", trace("[0,0,0,1,1,2,4,0,1.5,0,3]"),
                        "event 0 has 1.5 for column 'bytes', not a 64-bit whole number"),
                export("a value past 64 bits", trace("[0,0,0,1,1,2,4,0,1e30,0,3]"),
                        "event 0 has 1e30 for column 'bytes', not a 64-bit whole number"),
                export("a string for a value", trace("[0,0,0,1,1,2,4,0,\"big\",0,3]"),
                        "event 0 has a string for column 'bytes'"),
                export("an unknown action", trace(ALLOC_0).replace("\"SWAP_OUT\"", "\"TELEPORT\"").replace(ALLOC_0,
                        "[0,0,2,1,1,2,4,0,256,0,3]"), "event 0 has unknown action 'TELEPORT'"),
                export("an action index out of range", trace("[0,0,42,1,1,2,4,0,256,0,3]"),
                        "event 0 has action index 42"),
                export("an unknown category", trace(ALLOC_0).replace("\"ACTIVATION\",", "\"NEURONS\","),
                        "event 0 has unknown category 'NEURONS'"),
                export("a category index out of range", trace("[0,0,0,1,1,2,77,0,256,0,3]"),
                        "event 0 has category index 77"),
                export("an allocation without a category", trace("[0,0,0,1,1,2,-1,0,256,0,3]"),
                        "event 0 (seq 0, ALLOC)", "has no category"),
                export("a negative tensor id", trace("[0,0,0,-4,1,2,4,0,256,0,3]"), "event 0 (seq 0, ALLOC)",
                        "tensorId -4"),
                export("a string index out of range", trace("[0,0,0,1,9,2,4,0,256,0,3]"),
                        "event 0 has tensorName index 9"),
                export("a step below -1", trace("[0,0,0,1,1,2,4,0,256,-7,3]"), "event 0 (seq 0, ALLOC)", "step -7"),
                export("an OOM asking for negative bytes", trace("[0,0,7,-1,1,2,4,-1,0,0,3,-5,0,0]"),
                        "event 0 (seq 0, OOM)", "requestedBytes -5"),
                export("a free of a tensor never allocated", trace(SEGMENT_0, "[1,10,1,9,1,2,4,0,256,0,3]"),
                        "event 1 (seq 1, FREE)", "frees tensor 9, which no earlier event allocates"),
                export("a tensor freed twice", trace(ALLOC_0, FREE_0, "[1,100,1,1,1,2,4,0,256,0,3]"),
                        "event 2 (seq 2, FREE)", "frees tensor 1, which event 1 already freed"),
                export("a tensor allocated twice", trace(ALLOC_0, "[1,100,0,1,1,2,4,512,256,0,3]"),
                        "event 1 (seq 1, ALLOC)", "allocates tensor 1, which event 0 allocated and nothing freed"),
                export("a negative batch in the info", traceWith(INFO.replace("\"batch\":2", "\"batch\":-3"), ALLOC_0),
                        "\"info\" has batch -3"),
                export("a negative budget in the info", traceWith(INFO.replace("1048576", "-1"), ALLOC_0),
                        "\"info\" has budgetBytes -1"),
                export("info that is not an object", traceWith("\"info\":5,", ALLOC_0), "\"info\" is a number, not an object"),
                export("an event count that disagrees", good.replace("\"events\"", "\"eventCount\":7,\"events\""),
                        "the header says 7 events but the file holds 3"),
                export("an event count that is not a number", good.replace("\"events\"", "\"eventCount\":\"many\","
                        + "\"events\""), "\"eventCount\" is a string, not a whole number"),
                export("an event that is not a list", trace(ALLOC_0, "5"), "event 1 is a number, not a list of values"),
                export("an event with too few values", trace("[0,0,0,1,1,2,4,0,256]"),
                        "event 0 has no value for column 'step'"),
                export("a newer schema", good.replace("\"schema\":1", "\"schema\":9"), "schema 9 is newer"),
                export("another format", good.replace("memscope-trace", "chrome-trace"), "format is 'chrome-trace'"),
                export("a list, not an object", "[1, 2, 3]", "not a MemScope trace (it starts with an array"),
                export("no events", good.replace("\"events\":[", "\"evnts\":["), "no \"events\" array"),
                export("not JSON", "hello, world", "not valid JSON"),
                export("an empty file", "", "the file is empty"),
                exportBytes("a truncated file", Arrays.copyOf(good.getBytes(StandardCharsets.UTF_8), good.length() / 2),
                        "truncated"),
                exportBytes("a damaged gzip file", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9},
                        "damaged"),
                exportBytes("a truncated gzip file", truncatedGzip(good), "truncated"),
                new Case("trace: a bad trace refused for --png too", FAILED, dir -> new String[] {"export",
                    write(dir, "negpng.json", trace("[0,0,0,1,1,2,4,0,-256,0,3]")), "--png", dir.resolve("o.png").toString()},
                        "negpng.json: ", "bytes -256"),
                new Case("trace: no such file", USAGE, dir -> new String[] {"export", dir.resolve("gone.json").toString(),
                    "--perfetto", dir.resolve("o.json").toString()}, "gone.json: no such trace file"));
    }

    private static byte[] truncatedGzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] all = bytes.toByteArray();
        return Arrays.copyOf(all, all.length / 2);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static String write(Path dir, String file, String text) throws IOException {
        return Files.writeString(dir.resolve(file), text).toString();
    }

    private static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
