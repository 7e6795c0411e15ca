package io.memscope.app.plan;

import io.memscope.trainer.data.DataSource;
import io.memscope.trainer.data.Dataset;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.compressed.CompressedMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.train.TrainDefaults;
import io.memscope.trainer.train.Trainer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Modes calibrated for planning ({@link MemoryMode#calibrate}): one real CPU step on the first samples of the
 * run's first batch (at most {@link CompressedMode#CALIBRATION_BATCH}), of the chosen data or the built-in
 * data, with the run's seed, so that a plan sizes what depends on the data as the run will. A mode that does
 * not calibrate is returned as it is, without opening any data. The last few calibrations are kept by network,
 * mode, settings, data, optimizer and the samples measured, so planning again after another setting changes
 * costs nothing. Thread-safe; calibrates on the calling thread.
 */
final class Calibrations {
    static final int KEPT = 8;

    private record Key(Network network, String mode, Map<String, String> settings, String data, String optimizer,
                       int samples) {}

    private final Map<Key, MemoryMode> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, MemoryMode> eldest) {
            return size() > KEPT;
        }
    };
    private int calibrated;

    /**
     * {@code mode} calibrated on {@code data} ({@code builtin} when null or blank) for a run of
     * {@code options.batch()}; {@code settings} are the mode's settings as the form holds them.
     */
    MemoryMode calibrate(Network net, MemoryMode mode, Map<String, String> settings, String data, CompileOptions options,
                         int threads) {
        if (!(mode instanceof CompressedMode)) {
            return mode;
        }
        String spec = data == null || data.isBlank() ? TrainDefaults.DATA : data;
        int samples = Math.min(options.batch(), CompressedMode.CALIBRATION_BATCH);
        Key key = new Key(net, mode.id(), Map.copyOf(settings), spec, String.valueOf(options.optimizer()), samples);
        synchronized (kept) {
            MemoryMode hit = kept.get(key);
            if (hit != null) {
                return hit;
            }
        }
        Dataset train = DataSource.parse(spec).open(net.input().c(), net.input().h(), net.input().w(), net.classes(),
                TrainDefaults.SEED).train();
        DataSource.checkFits(train, net.input().c(), net.input().h(), net.input().w(), net.classes());
        Batch first = Trainer.firstBatch(net, train, options.batch(), TrainDefaults.SEED, samples);
        MemoryMode m = mode.calibrate(net, options, first, TrainDefaults.SEED, threads);
        synchronized (kept) {
            kept.put(key, m);
            calibrated++;
        }
        return m;
    }

    /** How many calibration steps ran (not answered from the cache), for tests. */
    int calibrated() {
        synchronized (kept) {
            return calibrated;
        }
    }
}
