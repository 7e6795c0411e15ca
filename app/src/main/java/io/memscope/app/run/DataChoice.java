package io.memscope.app.run;

/**
 * A training data source as the picker shows it. {@code spec} is what {@link io.memscope.trainer.data.DataSource}
 * parses; {@code folderKind} is non-null for the entries that ask for a folder when chosen.
 */
public record DataChoice(String label, String spec, String folderKind) {
    public static DataChoice of(String label, String spec) {
        return new DataChoice(label, spec, null);
    }

    public static DataChoice askFolder(String label, String kind) {
        return new DataChoice(label, null, kind);
    }

    public boolean asksForFolder() {
        return folderKind != null;
    }

    @Override
    public String toString() {
        return label;
    }
}
