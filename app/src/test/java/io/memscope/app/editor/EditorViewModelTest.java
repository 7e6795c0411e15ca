package io.memscope.app.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.run.RunViewModel;
import io.memscope.app.run.TrainingDriver;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.ReversibleConversion;
import io.memscope.trainer.net.SpecException;
import io.memscope.trainer.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The editor without a window: edits, live validation, undo and redo, files and the unsaved-changes question. */
class EditorViewModelTest {
    private EditorViewModel vm;

    @BeforeEach
    void lenet() {
        vm = new EditorViewModel();
        vm.openSample("lenet5.json");
    }

    private int index(String name) {
        List<LayerSpec> layers = vm.specProperty().get().layers();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no layer " + name);
    }

    private LayerRow row(String name) {
        return vm.rows().get(index(name));
    }

    private List<String> names() {
        return vm.specProperty().get().layers().stream().map(LayerSpec::name).toList();
    }

    @Test
    void aSampleOpensValidWithShapesParametersFlopsAndActivationBytes() {
        assertNotNull(vm.networkProperty().get());
        assertEquals("", vm.problemProperty().get());
        assertFalse(vm.dirtyProperty().get());
        assertFalse(vm.canUndoProperty().get());
        assertEquals(13, vm.rows().size());
        LayerRow conv1 = row("conv1");
        assertEquals("6x28x28", conv1.output());
        assertEquals(156, conv1.parameters());
        assertEquals(2L * 6 * 25 * 784 + 6 * 784, conv1.flops());
        assertEquals(4L * 64 * 6 * 28 * 28, conv1.outputBytes(), "at the default batch of 64");
        vm.batchProperty().set(8);
        assertEquals(4L * 8 * 6 * 28 * 28, row("conv1").outputBytes(), "activation bytes follow the batch");
        assertTrue(vm.summaryProperty().get().contains("61,706 parameters"), vm.summaryProperty().get());
    }

    @Test
    void anInvalidFieldMarksItsLayerWithTheEnginesMessageAndDisablesRun() {
        RunViewModel run = new RunViewModel(new NoDriver());
        run.networkProperty().bind(vm.networkProperty());
        run.networkProblemProperty().bind(vm.problemProperty());
        assertTrue(run.canRunProperty().get());

        vm.setField(index("conv2"), "kernel", "15");
        LayerRow conv2 = row("conv2");
        assertTrue(conv2.hasProblem());
        assertTrue(conv2.problem().startsWith("conv2: kernel 15"), conv2.problem());
        assertEquals("", conv2.output());
        assertTrue(row("relu2").isWaiting(), "layers after it wait for it");
        assertEquals("conv2", row("relu2").waitsFor());
        assertEquals("6x28x28", row("conv1").output(), "layers before it keep their shapes");
        assertNull(vm.networkProperty().get());

        assertFalse(run.canRunProperty().get(), "Run is disabled while the network is invalid");
        assertTrue(run.problemProperty().get().contains("conv2: kernel 15"), run.problemProperty().get());

        assertTrue(vm.summaryProperty().get().contains("\u2265 "), "sums over the layers that build are lower bounds: "
                + vm.summaryProperty().get());

        vm.setField(index("conv2"), "kernel", "3x");
        assertEquals("conv2: kernel must be a whole number, got 3x", row("conv2").problem());

        vm.setField(index("conv2"), "kernel", "3");
        assertNotNull(vm.networkProperty().get());
        assertEquals("16x12x12", row("conv2").output());
        assertTrue(run.canRunProperty().get());
        assertEquals("", run.problemProperty().get());
    }

    @Test
    void addRemoveMoveAndUndoRedoEverything() {
        String original = vm.specProperty().get().toJson();
        vm.selectedProperty().set(index("conv1"));
        vm.addLayer("batchnorm2d");
        assertEquals("bn1", names().get(1), "inserted after the selection, with a fresh name");
        assertEquals(1, vm.selectedProperty().get(), "and selected");
        assertEquals("6x28x28", row("bn1").output());
        assertEquals(12, row("bn1").parameters());
        assertTrue(vm.dirtyProperty().get());
        assertEquals("Add bn1", vm.undoTextProperty().get());

        vm.moveSelected(+1);
        assertEquals(List.of("conv1", "relu1", "bn1"), names().subList(0, 3));
        assertEquals(2, vm.selectedProperty().get(), "the selection follows the layer");

        vm.removeSelected();
        assertEquals(original, vm.specProperty().get().toJson());
        assertFalse(vm.dirtyProperty().get(), "back to what was saved is not a change");

        vm.undo();
        assertEquals(List.of("conv1", "relu1", "bn1"), names().subList(0, 3));
        assertEquals(2, vm.selectedProperty().get(), "undo brings the selection back");
        vm.undo();
        vm.undo();
        assertEquals(original, vm.specProperty().get().toJson());
        assertFalse(vm.canUndoProperty().get());
        assertEquals("Add bn1", vm.redoTextProperty().get());
        vm.redo();
        vm.redo();
        assertEquals("Move bn1 down", vm.undoTextProperty().get());
        vm.setField(index("conv1"), "out_channels", "12");
        assertFalse(vm.canRedoProperty().get(), "a new edit drops the redo side");
        assertEquals(12 * 25 + 12, row("conv1").parameters());
        assertEquals(12 * 2, row("bn1").parameters(), "bn1 follows conv1's channels");
    }

    @Test
    void aNewLayerGoesBeforeTheLossAndEveryTypeCanBeAdded() {
        vm.selectedProperty().set(index("loss"));
        vm.addLayer("dropout");
        assertEquals("loss", names().get(names().size() - 1));
        assertEquals("drop1", names().get(names().size() - 2));
        assertNotNull(vm.networkProperty().get(), "dropout before the loss builds");
        for (var t : io.memscope.trainer.net.layers.LayerFields.all()) {
            vm.selectedProperty().set(-1);
            vm.addLayer(t.name());
        }
        assertEquals(13 + 1 + io.memscope.trainer.net.layers.LayerFields.all().size(), vm.rows().size());
        assertTrue(vm.rows().stream().anyMatch(LayerRow::hasProblem), "a pile of layers does not build, and says so");
    }

    @Test
    void connectingAResidualInputAndRenamingAndRemovingKeepReferences() {
        // LeNet's conv2 output (16x10x10) added to itself through relu2: a residual connection.
        vm.selectedProperty().set(index("relu2"));
        vm.addLayer("add");
        int add = index("add1");
        assertTrue(row("add1").hasProblem(), "an add with one input says what it needs");
        assertTrue(row("add1").problem().contains("an add layer takes 2 inputs"), row("add1").problem());
        assertEquals(List.of("input", "conv1", "relu1", "pool1", "conv2", "relu2"), vm.readable(add));

        vm.setInputs(add, List.of("conv2", "relu2"));
        assertEquals("16x10x10", row("add1").output());
        assertTrue(row("add1").explicitInputs());
        assertNotNull(vm.networkProperty().get(), vm.problemProperty().get());

        assertNull(vm.renameLayer(index("relu2"), "act2"));
        assertEquals(List.of("conv2", "act2"), vm.specProperty().get().layers().get(add).inputs(), "references follow a rename");
        assertNotNull(vm.renameLayer(index("act2"), "conv2"), "a name in use is refused");
        assertTrue(vm.editMessageProperty().get().contains("already called 'conv2'"));
        assertNotNull(vm.renameLayer(index("act2"), "input"));

        vm.selectedProperty().set(index("act2"));
        vm.removeSelected();
        assertEquals(List.of("conv2"), vm.specProperty().get().layers().get(index("add1")).inputs(),
                "a reader of a removed layer reads what it read");
        assertTrue(row("add1").hasProblem(), "now it has one input, and the engine says so");

        vm.setInputs(index("add1"), List.of("pool1", "conv2"));
        assertTrue(row("add1").problem().contains("6x14x14"), "shapes that cannot be added: " + row("add1").problem());
        vm.setInputs(index("add1"), List.of("conv2"));
        vm.setInputs(index("add1"), List.of());
        assertEquals(List.of(), vm.specProperty().get().layers().get(index("add1")).inputs());
    }

    @Test
    void inputShapeAndNetworkNameAreEditsToo() {
        assertNotNull(vm.setInputShape("1", "0", "28"));
        assertTrue(vm.editMessageProperty().get().contains("height"));
        assertNull(vm.setInputShape("3", "32", "32"));
        assertEquals("6x32x32", row("conv1").output());
        assertEquals("Set the input to 3x32x32", vm.undoTextProperty().get());
        vm.setNetworkName("LeNet-5 for CIFAR");
        assertEquals("LeNet-5 for CIFAR", vm.specProperty().get().name());
        vm.undo();
        vm.undo();
        assertEquals("1x28x28", vm.specProperty().get().input().toString());
    }

    @Test
    void saveWritesAtomicallyAndOpenReadsItBack(@TempDir Path dir) throws Exception {
        assertFalse(vm.save(), "a sample has no file of its own: Save asks for one");
        vm.setField(index("fc1"), "out_features", "100");
        Path file = dir.resolve("mine.json");
        vm.saveAs(file);
        assertFalse(vm.dirtyProperty().get());
        assertEquals(file, vm.fileProperty().get());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
        vm.setField(index("fc1"), "out_features", "99");
        assertTrue(vm.save());
        EditorViewModel other = new EditorViewModel();
        other.open(file);
        assertEquals(vm.specProperty().get().toJson(), other.specProperty().get().toJson());
        assertEquals("mine.json", other.sourceProperty().get());
    }

    @Test
    void aFileThatDoesNotBuildOpensWithItsProblemsMarked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, NetworkSpec.load(io.memscope.app.network.Samples.network("lenet5.json")).toJson()
                .replace("\"kernel\": 5", "\"kernel\": 50"));
        vm.open(file);
        assertNull(vm.networkProperty().get());
        assertTrue(vm.rows().stream().filter(LayerRow::hasProblem).count() >= 1);
        assertTrue(vm.problemProperty().get().contains("kernel 50"), vm.problemProperty().get());
    }

    @Test
    void aFileThatIsNotANetworkChangesNothingAndSaysWhy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("junk.json");
        Files.writeString(file, "{\"name\": \"x\", \"layers\": [");
        String before = vm.specProperty().get().toJson();
        SpecException e = assertThrows(SpecException.class, () -> vm.open(file));
        assertTrue(e.getMessage().contains("junk.json"), e.getMessage());
        assertEquals(before, vm.specProperty().get().toJson());
    }

    @Test
    void unsavedChangesAreAskedAbout(@TempDir Path dir) {
        Prompt prompt = new Prompt();
        assertTrue(vm.confirmDiscard(prompt), "nothing to ask when nothing changed");
        assertEquals(0, prompt.asked);

        vm.setField(index("fc1"), "out_features", "50");
        prompt.answer = DiscardPrompt.Answer.CANCEL;
        assertFalse(vm.confirmDiscard(prompt));
        assertEquals(1, prompt.asked);
        assertEquals("LeNet-5", prompt.names.get(0));

        prompt.answer = DiscardPrompt.Answer.SAVE;
        prompt.file = null;
        assertFalse(vm.confirmDiscard(prompt), "saving, then cancelling the file choice, goes nowhere");
        assertTrue(vm.dirtyProperty().get());

        prompt.file = dir.resolve("kept.json");
        assertTrue(vm.confirmDiscard(prompt));
        assertTrue(Files.exists(prompt.file));
        assertFalse(vm.dirtyProperty().get());

        vm.setField(index("fc1"), "out_features", "60");
        prompt.file = dir.resolve("missing-folder").resolve("x.json");
        assertTrue(vm.confirmDiscard(prompt), "a file of its own: saved there without asking for one");
        vm.setField(index("fc1"), "out_features", "70");
        prompt.answer = DiscardPrompt.Answer.DISCARD;
        assertTrue(vm.confirmDiscard(prompt));
    }

    @Test
    void aFailedSaveKeepsTheChanges(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("not-a-folder");
        Files.writeString(blocker, "x");
        vm.setField(index("fc1"), "out_features", "50");
        Prompt prompt = new Prompt();
        prompt.answer = DiscardPrompt.Answer.SAVE;
        prompt.file = blocker.resolve("net.json");
        assertFalse(vm.confirmDiscard(prompt), "the caller does not go on");
        assertTrue(vm.dirtyProperty().get());
        assertTrue(vm.editMessageProperty().get().startsWith("Could not save net.json"), vm.editMessageProperty().get());
    }

    @Test
    void newNetworkBuildsAndHasNoFile() {
        vm.setField(index("fc1"), "out_features", "50");
        vm.newNetwork();
        assertNotNull(vm.networkProperty().get(), vm.problemProperty().get());
        assertNull(vm.fileProperty().get());
        assertFalse(vm.dirtyProperty().get());
        assertFalse(vm.canUndoProperty().get(), "history belongs to one network");
    }

    /** Answers the unsaved-changes question as told and remembers being asked. */
    @Test
    void convertToReversibleOpensTheResultAsANewUnsavedNetworkAndNeverLosesEdits(@TempDir Path dir) {
        // LeNet has nothing to convert: the engine's reason, nothing asked, nothing changed
        Prompt prompt = new Prompt();
        vm.setNetworkName("LeNet-5 edited");
        String before = vm.specProperty().get().toJson();
        SpecException none = assertThrows(SpecException.class, () -> vm.convertToReversible(prompt));
        assertTrue(none.getMessage().contains("nothing to make reversible"), none.getMessage());
        assertEquals(0, prompt.asked);
        assertEquals(before, vm.specProperty().get().toJson());
        assertTrue(vm.dirtyProperty().get() && vm.canUndoProperty().get(), "the edit is still there, undoable");

        // ResNet-18 with an unsaved edit: the question comes first, and Cancel keeps everything
        vm.openSample("resnet18_cifar.json");
        vm.setNetworkName("ResNet-18 mine");
        prompt.answer = DiscardPrompt.Answer.CANCEL;
        assertNull(vm.convertToReversible(prompt));
        assertEquals(1, prompt.asked);
        assertEquals("ResNet-18 mine", vm.specProperty().get().name());

        // Save: the edited original goes to its file, then the converted network opens with no file
        prompt.answer = DiscardPrompt.Answer.SAVE;
        prompt.file = dir.resolve("mine.json");
        ReversibleConversion.Result r = vm.convertToReversible(prompt);
        assertEquals("ResNet-18 mine", NetworkSpec.load(prompt.file).name(), "the edits were saved first");
        assertEquals("ResNet-18 mine (reversible)", vm.specProperty().get().name());
        assertEquals(r.network().toJson(), vm.specProperty().get().toJson());
        assertEquals(3, r.kept().size(), r.kept().toString());
        assertTrue(vm.problemProperty().get().isEmpty(), "it builds");
        assertTrue(vm.rows().stream().anyMatch(row -> row.type().equals("coupling")));
        assertNull(vm.fileProperty().get(), "Save asks where: the original file stays as it is");
        assertFalse(vm.save());
        assertTrue(vm.dirtyProperty().get(), "not saved anywhere yet");
        assertEquals("converted from ResNet-18 mine", vm.sourceProperty().get());
        assertFalse(vm.canUndoProperty().get(), "a network of its own: nothing to undo");

        // unsaved, so leaving it asks
        prompt.answer = DiscardPrompt.Answer.CANCEL;
        assertFalse(vm.confirmDiscard(prompt));
    }

    static final class Prompt implements DiscardPrompt {
        Answer answer = Answer.CANCEL;
        Path file;
        int asked;
        final List<String> names = new ArrayList<>();

        @Override
        public Answer ask(String networkName) {
            asked++;
            names.add(networkName);
            return answer;
        }

        @Override
        public Path chooseFile(String networkName) {
            return file;
        }
    }

    /** Run controls without training. */
    static final class NoDriver implements TrainingDriver {
        @Override
        public void start(TrainConfig config, io.memscope.trainer.modes.MemoryMode mode) {}

        @Override
        public void pause() {}

        @Override
        public void resume() {}

        @Override
        public void stepOnce() {}

        @Override
        public void stop() {}
    }
}
