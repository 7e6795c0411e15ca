package io.memscope.app.run;

import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.train.TrainingException;

import io.memscope.app.task.Errors;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.program.Reconstruction;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.TrainSummary;
import io.memscope.trainer.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One training run on a daemon thread. The trainer never touches the UI: its step results go into a bounded
 * queue, its notes and reversible mode's reconstruction errors into queues of their own (a few per run), and its
 * memory events stay in the trainer's trace; the UI calls {@link #drain} once per frame to take
 * what is new (up to a limit, so a frame stays short) — never one hand-over per event.
 */
public final class TrainingSession {
    /** Step results waiting for the UI; a full queue drops the oldest loss point, never blocks the trainer. */
    static final int STEP_QUEUE = 4096;
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** How the run ended. */
    public sealed interface Outcome permits Finished, Failed {}

    public record Finished(TrainSummary summary) implements Outcome {}

    /**
     * A failed run; {@code refusedPlan} is the plan that did not fit when it was refused before its first step,
     * {@code advice} what would fit when memory was the reason (both null otherwise).
     */
    public record Failed(String message, Planner.Plan refusedPlan, FitAdvice advice) implements Outcome {}

    private final Trainer trainer;
    private final BlockingQueue<StepResult> steps = new ArrayBlockingQueue<>(STEP_QUEUE);
    /** What the run chose before its first step (e.g. row-centric bands for the budget), for the log. */
    private final java.util.Queue<String> notes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Reversible mode's reconstruction errors, one list per measured step (every 50th): few, so unbounded. */
    private final java.util.Queue<List<Reconstruction>> reconstructions = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean started;
    private volatile Outcome outcome;
    private long cursor;

    public TrainingSession(TrainConfig config, MemoryMode mode) {
        this.trainer = new Trainer(config, mode);
        this.thread = new Thread(this::runTrainer, "memscope-training-" + RUNS.incrementAndGet());
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void runTrainer() {
        try {
            TrainSummary summary = trainer.run(new TrainListener() {
                @Override
                public void onStart(Trainer t) {
                    started = true;
                }

                @Override
                public void onNote(String text) {
                    notes.add(text.strip());
                }

                @Override
                public void onReconstruction(List<Reconstruction> measured) {
                    reconstructions.add(List.copyOf(measured));
                }

                @Override
                public void onStep(StepResult result) {
                    while (!steps.offer(result)) {
                        steps.poll();
                    }
                }
            });
            outcome = new Finished(summary);
        } catch (Throwable t) {
            TrainingException refused = t instanceof TrainingException e ? e : null;
            outcome = new Failed(Errors.message(t), refused == null ? null : refused.plan(),
                    refused == null ? null : refused.advice());
        }
    }

    /** The notes the run made since the last call, oldest first. */
    public List<String> takeNotes() {
        List<String> out = new java.util.ArrayList<>();
        for (String n; (n = notes.poll()) != null; ) {
            out.add(n);
        }
        return out;
    }

    /** The reconstruction errors measured since the last call, oldest step first (empty outside reversible mode). */
    public List<Reconstruction> takeReconstructions() {
        List<Reconstruction> out = new ArrayList<>();
        for (List<Reconstruction> r; (r = reconstructions.poll()) != null; ) {
            out.addAll(r);
        }
        return out;
    }

    public Trainer trainer() {
        return trainer;
    }

    public Trace trace() {
        return trainer.trace();
    }

    public boolean hasStarted() {
        return started;
    }

    /**
     * Moves up to {@code maxEvents} new memory events into {@code events} and every waiting step result into
     * {@code results}. Returns the run's outcome once it has ended and everything it recorded was drained;
     * null while it goes on.
     */
    public Outcome drain(List<MemoryEvent> events, List<StepResult> results, int maxEvents) {
        Outcome done = outcome;
        cursor = trainer.trace().drainSince(cursor, events, maxEvents);
        steps.drainTo(results);
        if (done != null && cursor >= trainer.trace().recorded() && steps.isEmpty()) {
            return done;
        }
        return null;
    }

    public void pause() {
        trainer.pause();
    }

    public void resume() {
        trainer.resume();
    }

    public void stepOnce() {
        trainer.stepOnce();
    }

    public void stop() {
        trainer.requestStop();
    }

    /** Waits for the training thread to end, for tests and shutdown. */
    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** All events the trace still holds, for saving and export. */
    public List<MemoryEvent> events() {
        return new ArrayList<>(trainer.trace().events());
    }
}
