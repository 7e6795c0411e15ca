package io.memscope.app;

import io.memscope.app.charts.TrainingCharts;
import io.memscope.app.event.EventBus;
import io.memscope.app.event.Notice;
import io.memscope.app.export.ExportRange;
import io.memscope.app.export.ResolutionDialog;
import io.memscope.app.export.TimelineExporters;
import io.memscope.app.export.TimelineImageExporter;
import io.memscope.app.layers.LayerComparison;
import io.memscope.app.layers.LayerTableView;
import io.memscope.app.log.LogView;
import io.memscope.app.editor.ConversionDialog;
import io.memscope.app.editor.EditorView;
import io.memscope.app.editor.EditorViewModel;
import io.memscope.app.network.Samples;
import io.memscope.app.plan.PlanResult;
import io.memscope.app.plan.PlanView;
import io.memscope.app.plan.PlanViewModel;
import io.memscope.app.pytorch.SnapshotText;
import io.memscope.app.replay.ReplayBar;
import io.memscope.app.replay.ReplayController;
import io.memscope.app.reversible.ReversibleText;
import io.memscope.app.run.RunSettingsPane;
import io.memscope.app.compressed.CompressionText;
import io.memscope.app.run.RunToolbar;
import io.memscope.app.run.RunViewModel;
import io.memscope.app.run.TrainingDriver;
import io.memscope.app.run.TrainingSession;
import io.memscope.app.task.Background;
import io.memscope.app.task.Errors;
import io.memscope.app.theme.ThemeManager;
import io.memscope.trainer.backend.cuda.Cuda;
import io.memscope.trainer.export.PerfettoExporter;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.modes.ReversibleMode;
import io.memscope.trainer.net.ReversibleConversion;
import io.memscope.app.plan.ApplyButtons;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.render.XAxis;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Reconstruction;
import io.memscope.trainer.program.TensorDecl;
import io.memscope.trainer.pytorch.Snapshot;
import io.memscope.trainer.pytorch.SnapshotImport;
import io.memscope.trainer.pytorch.SnapshotReader;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.visual.lifetime.LifetimeView;
import io.memscope.visual.timeline.TimelineView;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.ChoiceDialog;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

/**
 * The main window: menus and run controls on top, the network on the left, the live memory timeline in the
 * middle, and tabs below it for tensor lifetimes, the per-layer table, the plan, loss and accuracy, and the log.
 *
 * <p>One {@link AnimationTimer} drives the screen: once per frame it drains the new events of the run or the
 * replay into the models and redraws what changed.
 */
public final class MainWindow {
    /**
     * Time a frame may spend handing new events to the views; what is left waits for the next frame, so the
     * window answers within a frame or two even while a million events stream in.
     */
    static final long INGEST_NANOS_PER_FRAME = 12_000_000;
    /** Edit ▸ Convert to reversible. */
    static final KeyCombination CONVERT_TO_REVERSIBLE = new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN,
            KeyCombination.SHIFT_DOWN);

    private final Stage stage;
    private final EventBus bus = new EventBus();
    private final Background background;
    private final EditorViewModel editor = new EditorViewModel();
    private final EditorView editorView = new EditorView(editor);
    private final TimelineImageExporter timelineExporter = TimelineExporters.create();
    private final Recording recording = new Recording();
    private final RunViewModel run;
    private final PlanViewModel plan;
    private final ReplayController replay = new ReplayController(recording);
    private final TimelineView timeline = new TimelineView(recording.live());
    private final LifetimeView lifetimes = new LifetimeView(recording.live());
    private final LayerTableView layerTable = new LayerTableView();
    private final LogView log = new LogView();
    private final TrainingCharts charts;
    private final Label message = new Label();
    private final HBox messageBar;
    /** Buttons that apply what would fit, after a run was refused for its memory. */
    private final HBox applyBox = new HBox(6);
    private final Label status = new Label();
    private final Label frameStatus = new Label();
    private final TabPane tabs = new TabPane();
    private final List<MemoryEvent> frameEvents = new ArrayList<>();
    private final List<StepResult> frameSteps = new ArrayList<>();
    private TrainingSession session;
    /** The report of the last Convert to reversible, for tests. */
    private Alert conversionReport;
    private MemoryProfile measured;
    private long frames;
    /** View ▸ Event-index axis. */
    private CheckMenuItem eventAxis;
    /** Which device of a snapshot with several to import, given them and the busiest; empty: none. */
    private BiFunction<List<SnapshotImport.DeviceSummary>, Integer, Optional<Integer>> deviceChooser = this::askDevice;
    /** The share of the snapshot file read so far, written by the reading thread; -1 while nothing is imported. */
    private volatile double importProgress = -1;
    private String importing = "";
    private final AnimationTimer frameLoop = new AnimationTimer() {
        @Override
        public void handle(long now) {
            frame(now);
        }
    };

    public MainWindow(Stage stage, Background background) {
        this.stage = stage;
        this.background = background;
        this.run = new RunViewModel(new LiveDriver());
        this.plan = new PlanViewModel(run, background);
        this.charts = new TrainingCharts(run.history());
        message.setWrapText(true);
        message.setId("message");
        Button dismiss = new Button("Dismiss");
        dismiss.setOnAction(e -> hideMessage());
        dismiss.setMinWidth(Region.USE_PREF_SIZE);
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        applyBox.setAlignment(Pos.CENTER_LEFT);
        applyBox.setMinWidth(Region.USE_PREF_SIZE);
        applyBox.setId("apply-advice");
        messageBar = new HBox(message, grow, applyBox, dismiss);
        messageBar.getStyleClass().add("message-bar");
        messageBar.setAlignment(Pos.CENTER_LEFT);
        hideMessage();
        bus.subscribe(Notice.class, n -> {
            log.add(n);
            if (n.level() != Notice.Level.INFO) {
                showMessage(n.text(), n.level() == Notice.Level.ERROR);
            }
        });
        run.networkProperty().bind(editor.networkProperty());
        run.networkProblemProperty().bind(editor.problemProperty());
        editor.batchProperty().bind(run.batchProperty());
        plan.resultProperty().addListener((o, a, r) -> updateLayerTable());
        lifetimes.setOnRangeRequest(timeline::showRange);
        lifetimes.setShapeResolver(this::shapeOf);
        lifetimes.setDetailResolver(t -> join(ReversibleText.rebuiltDetail(t, recording.timeline(), recording.info(),
                recording.reconstructions()), SnapshotText.detail(t, recording.details())));
        editorView.setOnConvertToReversible(this::convertToReversible);
        run.stateProperty().addListener((o, a, s) -> {
            if (s == io.memscope.app.run.RunState.PAUSED) {
                measureLayers();
            }
        });
    }

    public void show() {
        Scene scene = new Scene(buildRoot(), 1440, 900);
        ThemeManager.apply(scene);
        installShortcuts(scene);
        stage.setScene(scene);
        stage.titleProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> "MemScope \u2014 "
                + editor.specProperty().get().name() + " (" + editor.sourceProperty().get() + ")"
                + (editor.dirtyProperty().get() ? " \u2022 edited" : ""), editor.specProperty(), editor.sourceProperty(),
                editor.dirtyProperty()));
        stage.setMinWidth(960);
        stage.setMinHeight(640);
        stage.setOnCloseRequest(e -> {
            e.consume();
            exit();
        });
        // the toolkit holds a running frame loop, and through it this window and its run's device memory
        stage.setOnHidden(e -> frameLoop.stop());
        editor.openSample(Samples.DEFAULT_NETWORK);
        notice(Notice.info("Opened sample " + Samples.DEFAULT_NETWORK + ". Press Run (F5) to train it on the built-in data."));
        frameLoop.start();
        stage.show();
        plan.plan();
        // CUDA devices join the device picker once found; loading the driver takes a moment, so off the UI thread
        background.run(Cuda::probe, probe -> {
            String missing = run.offerCuda(probe);
            if (missing != null) {
                notice(Notice.info(missing));
            }
        }, e -> notice(Notice.warning("Looking for CUDA devices failed: " + Errors.message(e))));
    }

    // ---- layout -----------------------------------------------------------------------------------------

    private BorderPane buildRoot() {
        BorderPane root = new BorderPane();
        root.setId("main-window");
        root.setTop(new VBox(buildMenus(), new RunToolbar(run, plan::plan), messageBar));

        VBox left = new VBox(editorView, new RunSettingsPane(run, c -> c.showDialog(stage)));
        VBox.setVgrow(editorView, Priority.ALWAYS);
        left.getStyleClass().add("side-panel");
        left.setPrefWidth(460);
        left.setMinWidth(300);

        timeline.setTitle("Device memory");
        ToggleButton follow = new ToggleButton("Follow live");
        follow.setId("follow-live");
        follow.selectedProperty().bindBidirectional(timeline.followLiveProperty());
        Button fit = new Button("Zoom to fit");
        fit.setId("zoom-fit");
        fit.setOnAction(e -> timeline.zoomToFit());
        Label readout = new Label();
        readout.getStyleClass().add("readout");
        readout.textProperty().bind(timeline.readoutProperty());
        // the buttons keep their words; a long readout wraps onto a second line instead
        follow.setMinWidth(Region.USE_PREF_SIZE);
        fit.setMinWidth(Region.USE_PREF_SIZE);
        readout.setWrapText(true);
        readout.setMinHeight(Region.USE_PREF_SIZE);
        readout.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(readout, Priority.ALWAYS);
        HBox timelineBar = new HBox(8, follow, fit, readout);
        timelineBar.getStyleClass().add("timeline-bar");
        timelineBar.setAlignment(Pos.CENTER_LEFT);
        VBox timelinePane = new VBox(timeline, timelineBar, new ReplayBar(replay));
        VBox.setVgrow(timeline, Priority.ALWAYS);

        // two lines, as a tensor's details are, so the view keeps its height whatever is hovered (at narrow widths a
        // long one wraps)
        Label details = new Label();
        details.setId("lifetime-details");
        details.setMinHeight(Region.USE_PREF_SIZE);
        details.setWrapText(true); // a long line wraps at narrow widths rather than being cut short
        details.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(details, Priority.ALWAYS);
        details.textProperty().bind(javafx.beans.binding.Bindings.when(lifetimes.detailsProperty().isEmpty())
                .then("Hover a block for its tensor; click to keep it.\nThe mouse wheel zooms time.")
                .otherwise(lifetimes.detailsProperty()));
        HBox detailsBar = new HBox(details);
        detailsBar.getStyleClass().add("details-bar");
        BorderPane lifetimePane = new BorderPane(lifetimes, null, null, detailsBar, null);

        tabs.setId("tabs");
        tabs.getTabs().addAll(tab("Tensor lifetimes", lifetimePane), tab("Layers", layerTable),
                tab("Plan", new PlanView(plan, r -> showPlanned(r.plan()), run::apply)), tab("Loss & accuracy", charts), tab("Log", log));
        tabs.getSelectionModel().selectedIndexProperty().addListener((o, a, i) -> {
            if (i.intValue() == 1) {
                measureLayers();
            }
        });

        SplitPane center = new SplitPane(timelinePane, tabs);
        center.setOrientation(Orientation.VERTICAL);
        center.setDividerPositions(0.58);
        SplitPane main = new SplitPane(left, center);
        main.setDividerPositions(0.34);
        SplitPane.setResizableWithParent(left, false);
        root.setCenter(main);

        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        // frame timings are for developers: shown with -Dmemscope.timings=true only
        frameStatus.setVisible(Boolean.getBoolean("memscope.timings"));
        frameStatus.setManaged(frameStatus.isVisible());
        HBox statusBar = new HBox(status, grow, frameStatus);
        statusBar.getStyleClass().add("status-bar");
        root.setBottom(statusBar);
        return root;
    }

    private static Tab tab(String title, javafx.scene.Node content) {
        Tab t = new Tab(title, content);
        t.setClosable(false);
        return t;
    }

    private MenuBar buildMenus() {
        Menu file = new Menu("_File");
        Menu samples = new Menu("Open _sample");
        for (String s : Samples.networks()) {
            MenuItem item = new MenuItem(s.replace(".json", ""));
            item.setMnemonicParsing(false); // vgg_small keeps its underscore
            item.setOnAction(e -> {
                if (confirmDiscard()) {
                    editor.openSample(s);
                    notice(Notice.info("Opened sample " + s));
                }
            });
            samples.getItems().add(item);
        }
        Menu export = new Menu("_Export");
        export.getItems().addAll(
                item("Timeline PNG\u2026", new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN), this::exportPng),
                item("Timeline SVG\u2026", null, this::exportSvg),
                item("Perfetto JSON\u2026", null, this::exportPerfetto),
                item("MemScope trace JSON\u2026", null, this::saveTrace));
        file.getItems().addAll(
                item("_New network", new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), this::newNetwork),
                item("_Open network\u2026", new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::openNetwork),
                samples,
                item("_Save", new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN), this::saveNetwork),
                item("Save _As\u2026", new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                        this::saveNetworkAs),
                new SeparatorMenuItem(),
                item("Open _trace\u2026 (replay)", new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN), this::openTrace),
                snapshotItem(),
                item("Save t_race\u2026", null, this::saveTrace),
                export,
                new SeparatorMenuItem(),
                item("E_xit", new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN), this::exit));

        Menu edit = buildEditMenu();

        Menu runMenu = new Menu("_Run");
        MenuItem runItem = item("_Run", new KeyCodeCombination(KeyCode.F5), run::run);
        runItem.disableProperty().bind(run.canRunProperty().not().and(run.canPauseProperty().not()));
        MenuItem pause = item("_Pause / resume", new KeyCodeCombination(KeyCode.F6), run::pause);
        pause.disableProperty().bind(run.canPauseProperty().not());
        MenuItem step = item("_Step", new KeyCodeCombination(KeyCode.F10), run::step);
        step.disableProperty().bind(run.canStepProperty().not());
        MenuItem stop = item("S_top", new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN), run::stop);
        stop.disableProperty().bind(run.canStopProperty().not());
        runMenu.getItems().addAll(runItem, pause, step, stop, new SeparatorMenuItem(),
                item("P_lan", new KeyCodeCombination(KeyCode.F7), plan::plan));

        Menu view = new Menu("_View");
        CheckMenuItem follow = new CheckMenuItem("_Follow live");
        follow.selectedProperty().bindBidirectional(timeline.followLiveProperty());
        follow.setAccelerator(new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN));
        CheckMenuItem events = new CheckMenuItem("_Event-index axis");
        events.setId("event-axis");
        events.setAccelerator(new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN));
        events.selectedProperty().addListener((o, was, on) -> setAxis(on ? XAxis.EVENT_INDEX : timeAxis()));
        eventAxis = events;
        view.getItems().addAll(follow,
                item("_Zoom to fit", new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN), timeline::zoomToFit),
                events);

        Menu help = new Menu("_Help");
        help.getItems().addAll(item("_Keyboard shortcuts", new KeyCodeCombination(KeyCode.F1), this::showShortcuts),
                item("_About MemScope", null, this::showAbout));
        MenuBar bar = new MenuBar(file, edit, runMenu, view, help);
        bar.setId("menu-bar");
        return bar;
    }

    /** Undo and redo of network edits, and the layer commands of the editor. */
    private Menu buildEditMenu() {
        MenuItem undo = item("_Undo", new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN), editor::undo);
        undo.textProperty().bind(javafx.beans.binding.Bindings.when(editor.canUndoProperty())
                .then(javafx.beans.binding.Bindings.concat("Undo ", editor.undoTextProperty())).otherwise("Undo"));
        undo.disableProperty().bind(editor.canUndoProperty().not());
        MenuItem redo = item("_Redo", new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN,
                KeyCombination.SHIFT_DOWN), editor::redo);
        redo.textProperty().bind(javafx.beans.binding.Bindings.when(editor.canRedoProperty())
                .then(javafx.beans.binding.Bindings.concat("Redo ", editor.redoTextProperty())).otherwise("Redo"));
        redo.disableProperty().bind(editor.canRedoProperty().not());
        Menu add = new Menu("_Add layer");
        for (var t : io.memscope.trainer.net.layers.LayerFields.all()) {
            add.getItems().add(item(t.name() + "  \u2014  " + t.description(), null, () -> {
                editor.addLayer(t.name());
                editorView.focusTable();
            }));
        }
        MenuItem remove = item("Remove layer (Delete)", null, editor::removeSelected);
        MenuItem up = item("Move layer up", new KeyCodeCombination(KeyCode.UP, KeyCombination.ALT_DOWN),
                () -> editor.moveSelected(-1));
        MenuItem down = item("Move layer down", new KeyCodeCombination(KeyCode.DOWN, KeyCombination.ALT_DOWN),
                () -> editor.moveSelected(+1));
        for (MenuItem m : new MenuItem[] {remove, up, down}) {
            m.disableProperty().bind(editor.hasSelectionProperty().not());
        }
        MenuItem reversible = item("Convert to _reversible", CONVERT_TO_REVERSIBLE, this::convertToReversible);
        reversible.setId("convert-to-reversible");
        Menu edit = new Menu("_Edit");
        edit.getItems().addAll(undo, redo, new SeparatorMenuItem(), add, remove, up, down, new SeparatorMenuItem(),
                reversible);
        return edit;
    }

    private static MenuItem item(String text, KeyCombination key, Runnable action) {
        MenuItem m = new MenuItem(text);
        if (key != null) {
            m.setAccelerator(key);
        }
        m.setOnAction(e -> action.run());
        return m;
    }

    private void installShortcuts(Scene scene) {
        // Function keys also work while a text field has the focus.
        scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.F10) {
                run.step();
                e.consume();
            }
        });
    }

    // ---- the frame loop ---------------------------------------------------------------------------------

    /** Once per frame: take what the run or the replay produced, hand it to the models, redraw what changed. */
    void frame(long now) {
        long t0 = System.nanoTime();
        long deadline = t0 + INGEST_NANOS_PER_FRAME;
        if (session != null) {
            TrainingSession.Outcome outcome;
            boolean more;
            do {
                frameEvents.clear();
                frameSteps.clear();
                outcome = session.drain(frameEvents, frameSteps, ReplayController.CHUNK);
                if (session.hasStarted()) {
                    run.onStarted();
                }
                recording.append(frameEvents);
                run.onSteps(frameSteps);
                more = outcome == null && frameEvents.size() == ReplayController.CHUNK && System.nanoTime() < deadline;
            } while (more);
            session.takeNotes().forEach(n -> notice(Notice.info(n)));
            takeReconstructions(session);
            if (outcome != null) {
                finish(outcome);
            }
        }
        replay.pump(now, deadline);
        double progress = importProgress;
        if (progress >= 0) {
            status.setText(String.format(Locale.ROOT, "Importing %s\u2026 %d%%", importing, Math.round(progress * 100)));
        }
        timeline.refresh();
        lifetimes.setTimeRange(timeline.visibleFrom(), timeline.visibleTo());
        if (++frames % 15 == 0 && progress < 0) {
            updateStatus(System.nanoTime() - t0);
        }
    }

    /** Reversible mode's reconstruction errors, measured every 50 steps: kept with the recording, and logged. */
    private void takeReconstructions(TrainingSession s) {
        List<Reconstruction> measured = s.takeReconstructions();
        if (measured.isEmpty()) {
            return;
        }
        recording.reconstructions().add(measured);
        ReversibleText.logLines(measured).forEach(line -> notice(Notice.info(line)));
        lifetimes.refreshDetails();
        updateLayerTable();
    }

    private void updateStatus(long frameNanos) {
        var m = recording.timeline();
        status.setText(recording.info() == null ? "No trace yet"
                : String.format(Locale.ROOT, "%s  \u00b7  %,d events  \u00b7  %,d tensors  \u00b7  now %s  \u00b7  peak %s",
                recording.title(), m.eventCount(), m.lifetimeCount(), Bytes.format(m.totalResidentAt(m.xMax())),
                Bytes.format(m.peakBytes()))
                + (m.hasHostEvents() ? "  \u00b7  host peak " + Bytes.format(m.hostPeakBytes()) : ""));
        frameStatus.setText(String.format(Locale.ROOT, "frame %.2f ms  \u00b7  timeline draw %.2f ms", frameNanos / 1e6,
                timeline.lastFrameNanos() / 1e6));
    }

    private void finish(TrainingSession.Outcome outcome) {
        TrainingSession done = session;
        session = null;
        if (outcome instanceof TrainingSession.Finished f) {
            run.onFinished(f.summary());
            notice(Notice.info(run.outcomeProperty().get()));
            // compressed mode: what the last step held compressed (the trainer's list is immutable, its field volatile)
            String compressed = CompressionText.summary(done.trainer().compression());
            if (!compressed.isEmpty()) {
                notice(Notice.info(compressed));
            }
            timeline.showTraining();
        } else if (outcome instanceof TrainingSession.Failed f) {
            run.onFailed(f.message());
            notice(Notice.error(f.message()));
            if (f.advice() != null) {
                offer(f.advice());
            }
            if (f.refusedPlan() != null) {
                // nothing ran: draw what the plan predicts, crossing the budget where it fails
                showPlanned(f.refusedPlan());
                return;
            }
        }
        measureLayers(done.events());
    }

    /**
     * What the timeline, the lifetime view and the exported picture count along x: time, or events (one unit per
     * event, so runs of the same program line up op for op). The view shows the whole trace after the change.
     */
    public void setAxis(XAxis axis) {
        recording.setAxis(axis);
        timeline.setAxis(axis);
        lifetimes.setAxis(axis);
        lifetimes.clearSelection();
        timeline.zoomToFit();
    }

    /**
     * Draws a plan in the timeline and lifetime views: setup, one step and an evaluation batch as the meta
     * backend predicts them, with the budget line and, when it does not fit, the OOM marker on the allocation
     * that fails. Not while a run is in progress.
     */
    public void showPlanned(Planner.Plan p) {
        if (session != null) {
            showMessage("Stop the run before drawing a plan.");
            return;
        }
        replay.close();
        List<MemoryEvent> events = p.timeline();
        recording.begin(p.info(), () -> events);
        followTraceClock(p.info());
        recording.append(events);
        measured = null;
        timeline.followLiveProperty().set(true);
        lifetimes.clearSelection();
        notice(Notice.info(String.format(Locale.ROOT, "Planned %s at batch %d in %s mode: peak %s of %s%s", p.networkName(),
                p.batchSize(), p.program().mode(), Bytes.format(p.peakBytes()), Bytes.format(p.budget()),
                p.fits() ? " (fits)" : " (does not fit: " + p.oom().getMessage() + ")")));
    }

    // ---- per-layer table --------------------------------------------------------------------------------

    private void measureLayers() {
        if (session != null) {
            measureLayers(session.events());
        } else if (!recording.isEmpty()) {
            measureLayers(recording.events());
        }
    }

    private void measureLayers(List<MemoryEvent> events) {
        background.run(() -> {
            List<MemoryEvent> step = LayerComparison.lastCompleteStep(events);
            return step.isEmpty() ? null : MemoryProfile.of(step);
        }, p -> {
            measured = p;
            updateLayerTable();
        }, t -> notice(Notice.error(Errors.message(t))));
    }

    private void updateLayerTable() {
        PlanResult r = plan.resultProperty().get();
        MemoryProfile predicted = r == null ? null : r.plan().profile();
        String note = (predicted == null ? "No plan yet (F7). " : "Planned: set-up and one step on the meta backend at batch "
                + r.batch() + ". ")
                + (measured == null ? "Measured: run at least one step." : "Measured: the last complete step of the "
                + (replay.activeProperty().get() ? "replayed trace." : "run."));
        layerTable.show(LayerComparison.join(predicted, measured, r == null ? null : r.reversibility(),
                recording.reconstructions().latestByLayer()), note);
    }

    private String shapeOf(String tensor) {
        PlanResult r = plan.resultProperty().get();
        if (r == null || recording.info() == null || r.batch() != recording.info().batch()) {
            return "";
        }
        TensorDecl d = r.plan().program().tensors().get(tensor);
        return d == null ? "" : d.dims().toString();
    }

    // ---- running ----------------------------------------------------------------------------------------

    /** Runs training for the run controls: one session at a time, its events drained by the frame loop. */
    private final class LiveDriver implements TrainingDriver {
        @Override
        public void start(TrainConfig config, io.memscope.trainer.modes.MemoryMode mode) {
            replay.close();
            hideMessage();
            measured = null;
            session = new TrainingSession(config, mode);
            TrainingSession s = session;
            recording.begin(s.trace().info(), s::events);
            followTraceClock(s.trace().info());
            timeline.followLiveProperty().set(true);
            lifetimes.clearSelection();
            notice(Notice.info(String.format(Locale.ROOT, "Training %s: %s mode, batch %d, budget %s, %s, data %s, %d steps, "
                    + "on %s", config.network().name(), config.mode(), config.batch(), Bytes.format(config.budgetBytes()),
                    config.optimizer().describe(), config.data(), config.steps(), config.device())));
            s.start();
        }

        @Override
        public void pause() {
            if (session != null) {
                session.pause();
            }
        }

        @Override
        public void resume() {
            if (session != null) {
                session.resume();
            }
        }

        @Override
        public void stepOnce() {
            if (session != null) {
                session.stepOnce();
            }
        }

        @Override
        public void stop() {
            if (session != null) {
                session.stop();
            }
        }
    }

    // ---- files ------------------------------------------------------------------------------------------

    private void newNetwork() {
        if (confirmDiscard()) {
            editor.newNetwork();
            notice(Notice.info("New network: edit it on the left, then Save (Ctrl+S)."));
        }
    }

    private void openNetwork() {
        if (!confirmDiscard()) {
            return;
        }
        File f = chooser("Open network", "Network files", "*.json").showOpenDialog(stage);
        if (f != null) {
            openNetwork(f.toPath());
        }
    }

    /** Opens a network file; one that is not a network leaves the editor as it was and says why. */
    public void openNetwork(Path file) {
        guard(() -> {
            editor.open(file);
            notice(Notice.info("Opened " + file + (editor.networkProperty().get() == null
                    ? ": it does not build yet; the layers at fault are marked." : "")));
        });
    }

    private void saveNetwork() {
        guard(() -> {
            if (editor.save()) {
                notice(Notice.info("Saved " + editor.fileProperty().get()));
            } else {
                saveNetworkAs();
            }
        });
    }

    private void saveNetworkAs() {
        FileChooser c = chooser("Save network as", "Network files", "*.json");
        c.setInitialFileName(editor.specProperty().get().name().replaceAll("[^A-Za-z0-9._-]+", "_") + ".json");
        File f = c.showSaveDialog(stage);
        if (f != null) {
            guard(() -> {
                editor.saveAs(f.toPath());
                notice(Notice.info("Saved " + f));
            });
        }
    }

    /**
     * Edit ▸ Convert to reversible: the editor's network made reversible and opened as a new, unsaved network
     * (after the unsaved-changes question), with what changed and what was kept in the log and a report; a network
     * with nothing to convert is left as it is, and the message bar says why.
     */
    public void convertToReversible() {
        String from = editor.specProperty().get().name();
        ReversibleConversion.Result r;
        try {
            r = editor.convertToReversible(EditorView.dialogs(stage, networkFolder()));
        } catch (io.memscope.trainer.net.SpecException e) {
            notice(Notice.warning("Convert to reversible: " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            notice(Notice.error("Convert to reversible failed: " + Errors.message(e)));
            return;
        }
        if (r == null) {
            return;
        }
        hideMessage();
        notice(Notice.info(ConversionDialog.headline(from, r)));
        r.changes().forEach(c -> notice(Notice.info("  changed: " + c)));
        r.kept().forEach(k -> notice(Notice.info("  kept: " + k)));
        conversionReport = ConversionDialog.show(stage, from, r, () -> run.modeProperty().set(
                run.modes().stream().filter(m -> m.id().equals(ReversibleMode.ID)).findFirst().orElseThrow()));
    }

    /** Asks about unsaved network edits; true when the caller may replace the network. */
    private boolean confirmDiscard() {
        return editor.confirmDiscard(EditorView.dialogs(stage, networkFolder()));
    }

    private Path networkFolder() {
        Path f = editor.fileProperty().get();
        return f != null && f.getParent() != null ? f.getParent() : Samples.folder();
    }

    private void openTrace() {
        File f = chooser("Open a MemScope trace to replay", "MemScope traces", "*.json", "*.json.gz").showOpenDialog(stage);
        if (f != null) {
            openTrace(f.toPath());
        }
    }

    /** Loads a trace off the UI thread and replays it. */
    public void openTrace(Path file) {
        if (session != null) {
            showMessage("Stop the run before replaying a trace.");
            return;
        }
        background.run(() -> TraceFile.read(file), t -> {
            replay.load(t);
            followTraceClock(t.info());
            measured = null;
            timeline.followLiveProperty().set(true);
            lifetimes.clearSelection();
            notice(Notice.info(String.format(Locale.ROOT, "Opened trace %s: %,d events of %s. Press Play, or Show all.",
                    file.getFileName(), t.events().size(), t.info().network())));
            measureLayers(t.events());
        }, e -> notice(Notice.error("Could not open " + file.getFileName() + ": " + Errors.message(e))));
    }

    private MenuItem snapshotItem() {
        MenuItem m = item("Open P_yTorch snapshot\u2026", null, this::openSnapshot);
        m.setId("open-snapshot");
        return m;
    }

    private void openSnapshot() {
        File f = chooser("Open a PyTorch memory snapshot", "PyTorch memory snapshots (torch.cuda.memory._dump_snapshot)",
                "*.pickle", "*.pkl", "*.pickle.gz").showOpenDialog(stage);
        if (f != null) {
            openSnapshot(f.toPath());
        }
    }

    /**
     * File ▸ Open PyTorch snapshot: reads {@code torch.cuda.memory._dump_snapshot()}'s file off the UI thread (the
     * status bar counts the share read), asks which device when it has several, and shows that device's trace as
     * a replay, all of it at once. The file is only read as data; one that is not a snapshot, or would run code,
     * leaves the window as it was and the message bar says why.
     */
    public void openSnapshot(Path file) {
        if (session != null) {
            showMessage("Stop the run before opening a snapshot.");
            return;
        }
        String name = file.getFileName().toString();
        importing = name;
        importProgress = 0;
        java.util.function.Consumer<Throwable> failed = e -> {
            importProgress = -1;
            notice(Notice.error("Could not open " + name + ": " + Errors.message(e)));
        };
        background.run(() -> SnapshotReader.read(file, p -> importProgress = p), (Snapshot snapshot) -> {
            List<SnapshotImport.DeviceSummary> devices = SnapshotImport.devices(snapshot);
            int device = SnapshotImport.busiestDevice(snapshot);
            if (devices.size() > 1) {
                Optional<Integer> chosen = deviceChooser.apply(devices, device);
                if (chosen.isEmpty()) {
                    importProgress = -1;
                    notice(Notice.info("Did not open " + name + ": no device chosen."));
                    return;
                }
                device = chosen.get();
            }
            int d = device;
            background.run(() -> SnapshotImport.of(snapshot, d), r -> showSnapshot(name, r), failed);
        }, failed);
    }

    private void showSnapshot(String name, SnapshotImport.Result r) {
        importProgress = -1;
        hideMessage();
        replay.load(r.trace());
        followTraceClock(r.info());
        replay.showAll();
        measured = null;
        timeline.followLiveProperty().set(true);
        lifetimes.clearSelection();
        List<String> lines = r.summary().lines();
        notice(Notice.info("Opened PyTorch snapshot " + name + ", " + lines.get(0)));
        lines.subList(1, lines.size()).forEach(l -> notice(Notice.info("  " + l)));
    }

    /** The device chooser's dialog: the busiest device first chosen. */
    private Optional<Integer> askDevice(List<SnapshotImport.DeviceSummary> devices, int busiest) {
        List<String> choices = devices.stream().map(SnapshotText::device).toList();
        int at = 0;
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i).device() == busiest) {
                at = i;
            }
        }
        ChoiceDialog<String> dialog = new ChoiceDialog<>(choices.get(at), choices);
        dialog.initOwner(stage);
        dialog.setTitle("Open PyTorch snapshot");
        dialog.setHeaderText("This snapshot holds several devices; MemScope shows one at a time.");
        dialog.setContentText("Device:");
        return dialog.showAndWait().map(c -> devices.get(choices.indexOf(c)).device());
    }

    /** For tests: chooses the device of a snapshot with several, given them and the busiest. */
    public void setDeviceChooser(BiFunction<List<SnapshotImport.DeviceSummary>, Integer, Optional<Integer>> chooser) {
        this.deviceChooser = chooser;
    }

    /** What "time" is for the trace on screen: its clock, or its trace entries when it has none. */
    private XAxis timeAxis() {
        TraceInfo info = recording.info();
        return info != null && !info.hasClock() ? XAxis.ENTRY_ORDER : XAxis.TIME_NS;
    }

    /** A trace just opened reads on its own clock (or its entries), unless the event-index axis is on. */
    private void followTraceClock(TraceInfo info) {
        if (eventAxis == null || !eventAxis.isSelected()) {
            XAxis axis = info.hasClock() ? XAxis.TIME_NS : XAxis.ENTRY_ORDER;
            if (axis != recording.axis() || axis != timeline.axis()) {
                setAxis(axis);
            }
        }
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "  \u00b7  " + b;
    }

    private void saveTrace() {
        if (!checkTrace()) {
            return;
        }
        File f = chooser("Save trace", "MemScope traces", "*.json", "*.json.gz").showSaveDialog(stage);
        if (f != null) {
            saveTrace(f.toPath());
        }
    }

    public void saveTrace(Path file) {
        var info = recording.info();
        List<MemoryEvent> events = recording.events();
        var details = recording.details();
        background.run(() -> {
            TraceFile.write(file, info, events, details);
            return file;
        }, p -> notice(Notice.info("Trace saved to " + p)), e -> notice(Notice.error("Could not save the trace: "
                + Errors.message(e))));
    }

    private void exportPerfetto() {
        if (!checkTrace()) {
            return;
        }
        File f = chooser("Export Perfetto / Chrome trace", "Trace JSON", "*.json").showSaveDialog(stage);
        if (f != null) {
            var info = recording.info();
            List<MemoryEvent> events = recording.events();
            background.run(() -> {
                PerfettoExporter.export(f.toPath(), info, events);
                return f;
            }, p -> notice(Notice.info("Perfetto trace written to " + p + " (open it at ui.perfetto.dev)")),
                    e -> notice(Notice.error("Could not export: " + Errors.message(e))));
        }
    }

    private void exportPng() {
        if (!checkTrace()) {
            return;
        }
        ResolutionDialog.ask(stage).ifPresent(size -> {
            File f = chooser("Export timeline as PNG", "PNG images", "*.png").showSaveDialog(stage);
            if (f != null) {
                exportPng(f.toPath(), size.width(), size.height());
            }
        });
    }

    /** Writes the timeline of the trace on screen as a PNG: the range in view once zoomed, else all of it. */
    public void exportPng(Path file, int width, int height) {
        guard(() -> {
            timelineExporter.export(file, recording.info(), recording.events(), width, height,
                    ExportRange.of(timeline), recording.axis());
            notice(Notice.info("Timeline written to " + file + " (" + width + "\u00d7" + height + ")"));
        });
    }

    private void exportSvg() {
        if (!checkTrace()) {
            return;
        }
        ResolutionDialog.ask(stage, "Export timeline as SVG").ifPresent(size -> {
            File f = chooser("Export timeline as SVG", "SVG images", "*.svg").showSaveDialog(stage);
            if (f != null) {
                exportSvg(f.toPath(), size.width(), size.height());
            }
        });
    }

    /** The picture {@link #exportPng(Path, int, int)} writes, as an SVG document laid out at that size. */
    public void exportSvg(Path file, int width, int height) {
        guard(() -> {
            timelineExporter.exportSvg(file, recording.info(), recording.events(), width, height,
                    ExportRange.of(timeline), recording.axis());
            notice(Notice.info("Timeline written to " + file + " (SVG, " + width + "\u00d7" + height + ")"));
        });
    }

    private boolean checkTrace() {
        if (recording.isEmpty()) {
            showMessage("There is no trace yet: run training (F5) or open a trace first.");
            return false;
        }
        return true;
    }

    private FileChooser chooser(String title, String what, String... patterns) {
        FileChooser c = new FileChooser();
        c.setTitle(title);
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter(what, patterns));
        Path dir = networkFolder();
        if (dir != null && dir.toFile().isDirectory()) {
            c.setInitialDirectory(dir.toFile());
        }
        return c;
    }

    /** Runs a file command; a failure becomes a message, never a stack trace. */
    private void guard(IoAction action) {
        try {
            action.run();
        } catch (Exception | OutOfMemoryError e) {
            notice(Notice.error(Errors.message(e)));
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws Exception;
    }

    // ---- messages and dialogs ---------------------------------------------------------------------------

    private void notice(Notice n) {
        bus.publish(n);
    }

    /** Offers each suggestion of the advice as a button that sets the controls, beside the message. */
    private void offer(FitAdvice advice) {
        applyBox.getChildren().setAll(ApplyButtons.of(advice, s -> {
            run.apply(s);
            hideMessage();
        }));
    }

    private void showMessage(String text) {
        showMessage(text, true);
    }

    /** Shows the message bar: red for an error, blue for a warning. */
    private void showMessage(String text, boolean error) {
        applyBox.getChildren().clear();
        messageBar.getStyleClass().remove("info");
        if (!error) {
            messageBar.getStyleClass().add("info");
        }
        message.setText(text);
        messageBar.setVisible(true);
        messageBar.setManaged(true);
    }

    private void hideMessage() {
        messageBar.setVisible(false);
        messageBar.setManaged(false);
    }

    private void showShortcuts() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Keyboard shortcuts");
        a.setContentText("""
                F5            Run (or resume)
                F6            Pause / resume
                F10           Step: one training step, then pause
                Shift+F5      Stop
                F7            Plan without running
                Ctrl+E        Export the timeline as PNG
                Ctrl+I        Event-index axis on / off (time otherwise)
                Ctrl+O        Open a network       Ctrl+T  Open a trace to replay
                Ctrl+S        Save the network     Ctrl+L  Follow live    Ctrl+0  Zoom to fit
                Ctrl+Z        Undo a network edit  Ctrl+Shift+Z  Redo
                Ctrl+Shift+R  Convert the network to reversible (opens it as a new network)
                Delete        Remove the selected layer (in the layer table)
                Alt+Up/Down   Move the selected layer
                Enter         Apply a typed value  Esc  Put the box back
                Timeline      drag to zoom, mouse wheel to zoom, right-drag to pan""");
        a.getDialogPane().setStyle("-fx-font-family: 'Monospaced';");
        a.show();
    }

    private void showAbout() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("About MemScope");
        a.setHeaderText("MemScope");
        a.setContentText("Trains convolutional networks and shows where every byte of device memory goes: "
                + "a live timeline by category, tensor lifetimes, and the planner's prediction beside the measurement.\n\n"
                + "Java " + System.getProperty("java.version") + ", JavaFX " + System.getProperty("javafx.version"));
        a.show();
    }

    /** Leaves the application, after the unsaved-changes question; a run in progress is stopped. */
    public void exit() {
        if (!confirmDiscard()) {
            return;
        }
        frameLoop.stop();
        if (session != null) {
            session.stop();
        }
        Platform.exit();
    }

    // ---- for tests and the screenshot tool ----------------------------------------------------------------

    public RunViewModel run() {
        return run;
    }

    public PlanViewModel plan() {
        return plan;
    }

    public EditorViewModel editor() {
        return editor;
    }

    public EditorView editorView() {
        return editorView;
    }

    public TimelineView timeline() {
        return timeline;
    }

    public LifetimeView lifetimes() {
        return lifetimes;
    }

    public LayerTableView layerTable() {
        return layerTable;
    }

    public TrainingCharts charts() {
        return charts;
    }

    public Recording recording() {
        return recording;
    }

    public ReplayController replay() {
        return replay;
    }

    public TabPane tabs() {
        return tabs;
    }

    /** The report the last Convert to reversible showed, or null. */
    public Alert conversionReport() {
        return conversionReport;
    }

    /** The session of the run in progress, or null. */
    public TrainingSession session() {
        return session;
    }

    public Stage stage() {
        return stage;
    }
}
