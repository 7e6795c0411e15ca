package io.memscope.trainer.modes.rows;

/**
 * How finely to cut a map into row bands: a number of bands, or a band height in rows (then a map of
 * {@code H} rows gets {@code ceil(H / rows)} bands). Bands are counted on the tallest map a segment reads.
 */
public record Bands(int count, int rows) {
    public Bands {
        if ((count > 0) == (rows > 0) || count < 0 || rows < 0) {
            throw new IllegalArgumentException("give a band count or a band height of at least 1, not both; got "
                    + count + " bands, " + rows + " rows");
        }
    }

    public static Bands count(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("band count must be at least 1, got " + count);
        }
        return new Bands(count, 0);
    }

    public static Bands rows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("band height must be at least 1 row, got " + rows);
        }
        return new Bands(0, rows);
    }

    /** Parses {@code 4} (bands) or {@code rows:8} (band height). */
    public static Bands parse(String s) {
        String t = s.trim();
        try {
            return t.startsWith("rows:") ? rows(Integer.parseInt(t.substring(5).trim())) : count(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a band count (e.g. 4) or a band height "
                    + "(e.g. rows:8)");
        }
    }

    public boolean byHeight() {
        return rows > 0;
    }

    /** The band count for a map {@code height} rows high. */
    public int bandsFor(int height) {
        return byHeight() ? (height + rows - 1) / rows : count;
    }

    @Override
    public String toString() {
        return byHeight() ? "rows:" + rows : String.valueOf(count);
    }
}
