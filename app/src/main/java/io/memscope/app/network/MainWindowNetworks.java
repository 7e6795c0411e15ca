package io.memscope.app.network;

/**
 * The one place that decides which network panel the main window shows. Today it is the read-only
 * {@link SampleNetworkPanel}; the network editor replaces it here.
 */
public final class MainWindowNetworks {
    private MainWindowNetworks() {}

    public static NetworkSource create() {
        return new SampleNetworkPanel();
    }
}
