package io.memscope.app.editor;

import io.memscope.app.network.Samples;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkCheck;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.ReversibleConversion;
import io.memscope.trainer.net.Shape;
import io.memscope.trainer.net.layers.LayerFields;
import io.memscope.trainer.train.TrainDefaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The network editor's state: the network being edited, the engine's check of it after every edit, the
 * selected layer, undo and redo, and the file it belongs to. Every change goes through {@link #apply}, which
 * records it for undo and re-checks the network; nothing here needs a display.
 */
public final class EditorViewModel {
    private final ReadOnlyObjectWrapper<NetworkSpec> spec = new ReadOnlyObjectWrapper<>(this, "spec");
    private final ReadOnlyObjectWrapper<NetworkCheck> check = new ReadOnlyObjectWrapper<>(this, "check");
    private final ReadOnlyObjectWrapper<Network> network = new ReadOnlyObjectWrapper<>(this, "network");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper editMessage = new ReadOnlyStringWrapper(this, "editMessage", "");
    private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>(this, "file");
    private final ReadOnlyStringWrapper source = new ReadOnlyStringWrapper(this, "source", "");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty", false);
    private final ReadOnlyStringWrapper undoText = new ReadOnlyStringWrapper(this, "undoText", "");
    private final ReadOnlyStringWrapper redoText = new ReadOnlyStringWrapper(this, "redoText", "");
    private final IntegerProperty selected = new SimpleIntegerProperty(this, "selected", -1);
    private final IntegerProperty batch = new SimpleIntegerProperty(this, "batch", TrainDefaults.BATCH);
    private final ObservableList<LayerRow> rows = FXCollections.observableArrayList();
    private final EditHistory history = new EditHistory();
    private final BooleanBinding canUndo = undoText.isNotEmpty();
    private final BooleanBinding canRedo = redoText.isNotEmpty();
    private final BooleanBinding hasSelection;
    private String savedJson = "";
    /** The JSON of the network on screen, to tell a real edit from a no-op and a saved state from a changed one. */
    private String shownJson = "";

    public EditorViewModel() {
        hasSelection = Bindings.createBooleanBinding(() -> selectedLayer() != null, selected, spec);
        batch.addListener(o -> refreshRows());
        spec.set(NetworkEdits.starter());
        load(NetworkEdits.starter(), null, "new network");
    }

    // ---- edits ------------------------------------------------------------------------------------------

    /** Adds a layer of {@code type} after the selected one (before the loss at the latest) and selects it. */
    public void addLayer(String type) {
        addLayerAt(type, NetworkEdits.insertionPoint(spec.get(), selected.get()));
    }

    /** Adds a layer of {@code type} at {@code index} (where it was dropped) and selects it. */
    public void addLayerAt(String type, int index) {
        int at = Math.max(0, Math.min(index, spec.get().layers().size()));
        NetworkSpec next = NetworkEdits.insert(spec.get(), at, type);
        apply("add " + next.layers().get(at).name(), next, at);
    }

    public void removeSelected() {
        LayerSpec l = selectedLayer();
        if (l != null) {
            int i = selected.get();
            NetworkSpec next = NetworkEdits.remove(spec.get(), i);
            apply("remove " + l.name(), next, Math.min(i, next.layers().size() - 1));
        }
    }

    /** Moves the selected layer up ({@code -1}) or down ({@code +1}); the selection follows it. */
    public void moveSelected(int delta) {
        if (selectedLayer() != null) {
            moveLayer(selected.get(), selected.get() + delta);
        }
    }

    /** Moves a layer to another position (a drag in the table); the selection follows it. */
    public void moveLayer(int from, int to) {
        int n = spec.get().layers().size();
        if (from < 0 || from >= n || to < 0 || to >= n || from == to) {
            return;
        }
        String name = spec.get().layers().get(from).name();
        String where = to == from - 1 ? " up" : to == from + 1 ? " down" : " to position " + (to + 1);
        apply("move " + name + where, NetworkEdits.move(spec.get(), from, to), to);
    }

    /** Renames a layer and the references to it; returns why not, or null when done. */
    public String renameLayer(int index, String name) {
        String old = spec.get().layers().get(index).name();
        String why = NetworkEdits.nameProblem(spec.get(), index, name);
        if (why != null) {
            editMessage.set("Cannot rename " + old + ": " + why + ".");
            return why;
        }
        apply("rename " + old + " to " + name.trim(), NetworkEdits.rename(spec.get(), index, name), index);
        return null;
    }

    /** Sets a field from the text typed for it; empty text restores the default. */
    public void setField(int index, String key, String text) {
        LayerSpec l = spec.get().layers().get(index);
        LayerFields.Field f = field(l.type(), key);
        Object value = FieldText.parse(f == null ? LayerFields.Kind.NUMBER : f.kind(), text);
        setFieldValue(index, key, value);
    }

    /** Sets a field to a value (a number, a flag, text); null restores the default. */
    public void setFieldValue(int index, String key, Object value) {
        LayerSpec l = spec.get().layers().get(index);
        String what = value == null ? "reset " + l.name() + "." + key : "set " + l.name() + "." + key + " = "
                + FieldText.format(value);
        apply(what, NetworkEdits.setField(spec.get(), index, key, value), index);
    }

    /** Sets the layers a layer reads; empty means the previous layer. */
    public void setInputs(int index, List<String> inputs) {
        LayerSpec l = spec.get().layers().get(index);
        apply("connect " + l.name() + " to " + (inputs.isEmpty() ? "the previous layer" : String.join(", ", inputs)),
                NetworkEdits.setInputs(spec.get(), index, inputs), index);
    }

    public void setNetworkName(String name) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty()) {
            editMessage.set("A network needs a name.");
            return;
        }
        apply("rename the network", NetworkEdits.rename(spec.get(), n), selected.get());
    }

    /** Sets the input sample shape from typed numbers; returns why not, or null when done. */
    public String setInputShape(String channels, String height, String width) {
        int[] v = new int[3];
        String[] text = {channels, height, width};
        String[] what = {"channels", "height", "width"};
        for (int i = 0; i < 3; i++) {
            try {
                v[i] = Integer.parseInt(text[i].trim());
            } catch (NumberFormatException | NullPointerException e) {
                v[i] = 0;
            }
            if (v[i] < 1 || v[i] > 65_536) {
                String why = "input " + what[i] + " must be a whole number from 1 to 65536, got '" + text[i] + "'";
                editMessage.set("Input: " + why + ".");
                return why;
            }
        }
        Shape s = new Shape(v[0], v[1], v[2]);
        if (!s.equals(spec.get().input())) {
            apply("set the input to " + s, NetworkEdits.setInput(spec.get(), s), selected.get());
        }
        return null;
    }

    public void undo() {
        EditHistory.Edit e = history.undo();
        if (e != null) {
            show(e.before(), e.selectedBefore());
        }
    }

    public void redo() {
        EditHistory.Edit e = history.redo();
        if (e != null) {
            show(e.after(), e.selectedAfter());
        }
    }

    /** Records an edit for undo and shows its result; an edit that changes nothing is not recorded. */
    private void apply(String description, NetworkSpec next, int selectAfter) {
        editMessage.set("");
        String json = next.toJson();
        if (json.equals(shownJson)) {
            return;
        }
        history.record(new EditHistory.Edit(description, spec.get(), selected.get(), next, selectAfter));
        show(next, json, selectAfter);
    }

    /** Shows a network: everything derived from it first, so listeners of {@link #specProperty()} see it whole. */
    private void show(NetworkSpec next, int selectAfter) {
        show(next, next.toJson(), selectAfter);
    }

    private void show(NetworkSpec next, String json, int selectAfter) {
        NetworkCheck c = NetworkCheck.of(next);
        check.set(c);
        network.set(c.network());
        problem.set(c.problem());
        shownJson = json;
        dirty.set(!shownJson.equals(savedJson));
        EditHistory.Edit u = history.nextUndo();
        EditHistory.Edit r = history.nextRedo();
        undoText.set(u == null ? "" : capitalize(u.description()));
        redoText.set(r == null ? "" : capitalize(r.description()));
        summary.set(describe(next, c));
        refreshRows();
        spec.set(next);
        selected.set(Math.max(-1, Math.min(selectAfter, next.layers().size() - 1)));
    }

    private void refreshRows() {
        NetworkCheck c = check.get();
        if (c == null) {
            return;
        }
        int b = Math.max(1, batch.get());
        rows.setAll(c.layers().stream().map(r -> LayerRow.of(r, b)).toList());
    }

    private static String describe(NetworkSpec s, NetworkCheck c) {
        long params = c.layers().stream().mapToLong(NetworkCheck.LayerResult::parameters).sum();
        long flops = c.layers().stream().mapToLong(NetworkCheck.LayerResult::flopsPerSample).sum();
        // While some layers do not build, their parameters and FLOPs are unknown: the sums are lower bounds.
        String atLeast = c.isValid() ? "" : "\u2265 ";
        return String.format(Locale.ROOT, "%d layers  \u00b7  %s%,d parameters (%s)  \u00b7  %s%.1f MFLOP/sample",
                s.layers().size(), atLeast, params, Bytes.format(params * 4), atLeast, flops / 1e6);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ---- files ------------------------------------------------------------------------------------------

    public void newNetwork() {
        load(NetworkEdits.starter(), null, "new network");
    }

    /**
     * Reads a network file. A file that is not a network (bad JSON, missing input) throws and changes nothing;
     * a network that parses but does not build opens, with its problems marked, so they can be fixed here.
     */
    public void open(Path path) {
        load(NetworkSpec.load(path), path, path.getFileName().toString());
    }

    /** Opens a bundled sample by file name; saving it asks for a new file, so the sample stays as shipped. */
    public void openSample(String name) {
        load(NetworkSpec.load(Samples.network(name)), null, "sample " + name);
    }

    /**
     * Convert to reversible: the network on screen, unsaved edits included, made reversible by
     * {@link ReversibleConversion} and, after the unsaved-changes question, opened as a new network that has no
     * file and is not saved yet (so Save asks where, and the original stays as it is). Returns what changed and
     * what was kept and why; null when the question was cancelled, which leaves everything as it was. Throws the
     * conversion's {@link io.memscope.trainer.net.SpecException}, changing nothing, when there is nothing to convert
     * or the network does not build.
     */
    public ReversibleConversion.Result convertToReversible(DiscardPrompt prompt) {
        ReversibleConversion.Result r = ReversibleConversion.convert(spec.get());
        String from = spec.get().name();
        if (!confirmDiscard(prompt)) {
            return null;
        }
        load(r.network(), null, "converted from " + from, false);
        return r;
    }

    private void load(NetworkSpec s, Path from, String what) {
        load(s, from, what, true);
    }

    /** Shows a network as opened; {@code saved} false marks it as not saved anywhere yet. */
    private void load(NetworkSpec s, Path from, String what, boolean saved) {
        history.clear();
        String json = s.toJson();
        savedJson = saved ? json : "";
        file.set(from);
        source.set(what);
        editMessage.set("");
        show(s, json, -1);
    }

    /** Saves to the current file; false when there is none yet (the caller asks for one). */
    public boolean save() {
        Path p = file.get();
        if (p == null) {
            return false;
        }
        saveAs(p);
        return true;
    }

    /** Writes the network atomically, also while it does not build: work in progress is never lost. */
    public void saveAs(Path path) {
        try {
            spec.get().save(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        savedJson = shownJson;
        file.set(path);
        source.set(path.getFileName().toString());
        dirty.set(false);
    }

    /** Asks, when there are unsaved changes, whether to save them; true when the caller may go on. */
    public boolean confirmDiscard(DiscardPrompt prompt) {
        if (!dirty.get()) {
            return true;
        }
        switch (prompt.ask(spec.get().name())) {
            case DISCARD:
                return true;
            case CANCEL:
                return false;
            default:
                break;
        }
        Path target = file.get() != null ? file.get() : prompt.chooseFile(spec.get().name());
        if (target == null) {
            return false;
        }
        try {
            saveAs(target);
            return true;
        } catch (UncheckedIOException e) {
            editMessage.set("Could not save " + target.getFileName() + ": " + e.getCause().getMessage()
                    + ". Nothing was discarded.");
            return false;
        }
    }

    // ---- read access ------------------------------------------------------------------------------------

    /** The selected layer, or null. */
    public LayerSpec selectedLayer() {
        int i = selected.get();
        NetworkSpec s = spec.get();
        return s == null || i < 0 || i >= s.layers().size() ? null : s.layers().get(i);
    }

    /** The schema of a field of a layer type, or null. */
    public static LayerFields.Field field(String type, String key) {
        LayerFields.Type t = LayerFields.of(type);
        return t == null ? null : t.fields().stream().filter(f -> f.key().equals(key)).findFirst().orElse(null);
    }

    /** The text a field's box shows for the layer at {@code index}: its value, or empty for the default. */
    public String fieldText(int index, String key) {
        return FieldText.format(spec.get().layers().get(index).attrs().get(key));
    }

    /** The names the layer at {@code index} may read. */
    public List<String> readable(int index) {
        return NetworkEdits.readable(spec.get(), index);
    }

    public ReadOnlyObjectProperty<NetworkSpec> specProperty() {
        return spec.getReadOnlyProperty();
    }

    /** The built network, or null while it does not build. */
    public ReadOnlyObjectProperty<Network> networkProperty() {
        return network.getReadOnlyProperty();
    }

    /** The first problem, the engine's message; empty when the network builds. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** Why the last edit was refused, or empty. */
    public ReadOnlyStringProperty editMessageProperty() {
        return editMessage.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Path> fileProperty() {
        return file.getReadOnlyProperty();
    }

    /** Where the network came from, for the title: a file name, a sample, or "new network". */
    public ReadOnlyStringProperty sourceProperty() {
        return source.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty.getReadOnlyProperty();
    }

    /** What Undo would undo, e.g. "Set conv1.kernel = 5"; empty when nothing. */
    public ReadOnlyStringProperty undoTextProperty() {
        return undoText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty redoTextProperty() {
        return redoText.getReadOnlyProperty();
    }

    public BooleanBinding canUndoProperty() {
        return canUndo;
    }

    public BooleanBinding canRedoProperty() {
        return canRedo;
    }

    public BooleanBinding hasSelectionProperty() {
        return hasSelection;
    }

    /** The selected layer's index, -1 for none. */
    public IntegerProperty selectedProperty() {
        return selected;
    }

    /** The batch size the activation bytes are shown for. */
    public IntegerProperty batchProperty() {
        return batch;
    }

    public ObservableList<LayerRow> rows() {
        return rows;
    }
}
