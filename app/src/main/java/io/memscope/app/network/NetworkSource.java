package io.memscope.app.network;

import io.memscope.trainer.net.Network;
import java.nio.file.Path;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.scene.Node;
import javafx.stage.Window;

/**
 * What the main window needs from the network panel on its left: the built network (null while the network
 * is invalid), why it is invalid, and the file commands of the File menu. The network editor implements it;
 * {@link MainWindowNetworks} picks the implementation in one place.
 */
public interface NetworkSource {
    /** The panel shown on the left of the main window. */
    Node view();

    /** The built network, or null while the description does not build. */
    ReadOnlyObjectProperty<Network> networkProperty();

    /** Why the network does not build, or empty. */
    ReadOnlyStringProperty problemProperty();

    /** True when there are changes not yet saved. */
    ReadOnlyBooleanProperty dirtyProperty();

    /** The file the network was read from or saved to; null for a new or sample network. */
    ReadOnlyObjectProperty<Path> fileProperty();

    void newNetwork();

    /** Reads a network file; problems are reported through {@link #problemProperty()} or thrown. */
    void open(Path file);

    /** Opens a bundled sample by file name, e.g. {@code lenet5.json}. */
    void openSample(String name);

    /** Saves to the current file; returns false when there is none yet (the caller asks for one). */
    boolean save();

    void saveAs(Path file);

    /** Asks whether unsaved changes may be dropped; true when there are none or the user agrees. */
    boolean confirmDiscard(Window owner);
}
