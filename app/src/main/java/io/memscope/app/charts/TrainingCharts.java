package io.memscope.app.charts;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.Zoomer;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.LineStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.spi.DoubleDataSet;
import io.fair_acc.dataset.utils.DataSetStyleBuilder;
import io.memscope.trainer.train.StepResult;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/** Live loss and batch accuracy per step, side by side. */
public final class TrainingCharts extends HBox {
    private final DoubleDataSet loss = new DoubleDataSet("loss", 1024);
    private final DoubleDataSet accuracy = new DoubleDataSet("accuracy", 1024);
    private final XYChart lossChart;
    private final XYChart accuracyChart;

    public TrainingCharts(ObservableList<StepResult> history) {
        loss.setStyle(DataSetStyleBuilder.instance().setStroke("#2f6fb0").setLineWidth(2).build());
        accuracy.setStyle(DataSetStyleBuilder.instance().setStroke("#54a24b").setLineWidth(2).build());
        lossChart = chart("Loss", "", loss);
        accuracyChart = chart("Batch accuracy", "%", accuracy);
        ((DefaultNumericAxis) accuracyChart.getYAxis()).setAutoRanging(false);
        accuracyChart.getYAxis().set(0, 100);
        getChildren().addAll(lossChart, accuracyChart);
        HBox.setHgrow(lossChart, Priority.ALWAYS);
        HBox.setHgrow(accuracyChart, Priority.ALWAYS);
        setSpacing(6);
        history.addListener((ListChangeListener<StepResult>) c -> {
            boolean cleared = false;
            while (c.next()) {
                if (c.wasRemoved()) {
                    cleared = true;
                }
            }
            if (cleared) {
                loss.clearData();
                accuracy.clearData();
                add(history);
            } else {
                c.reset();
                while (c.next()) {
                    if (c.wasAdded()) {
                        add(c.getAddedSubList());
                    }
                }
            }
        });
    }

    private void add(List<? extends StepResult> results) {
        if (results.isEmpty()) {
            return;
        }
        double[] x = new double[results.size()];
        double[] l = new double[results.size()];
        double[] a = new double[results.size()];
        for (int i = 0; i < x.length; i++) {
            StepResult r = results.get(i);
            x[i] = r.step() + 1;
            l[i] = r.loss();
            a[i] = 100 * r.accuracy();
        }
        loss.add(x, l);
        accuracy.add(x, a);
    }

    /** Points plotted so far. */
    /** The loss chart, for tests of its axes. */
    public XYChart lossChart() {
        return lossChart;
    }

    public int points() {
        return loss.getDataCount();
    }

    private static XYChart chart(String title, String unit, DoubleDataSet data) {
        // a null unit, not an empty one: ChartFX writes "Loss []" for ""
        DefaultNumericAxis x = new DefaultNumericAxis("Step", null);
        DefaultNumericAxis y = new DefaultNumericAxis(title, unit == null || unit.isEmpty() ? null : unit);
        x.setAutoRangePadding(0.02);
        y.setAutoRangePadding(0.05);
        x.setAnimated(false);
        y.setAnimated(false);
        XYChart chart = new XYChart(x, y);
        chart.setTitle(title);
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        ErrorDataSetRenderer renderer = new ErrorDataSetRenderer();
        renderer.setPolyLineStyle(LineStyle.NORMAL);
        renderer.setErrorStyle(ErrorStyle.NONE);
        renderer.setDrawMarker(false);
        renderer.getDatasets().add(data);
        chart.getRenderers().setAll(renderer);
        chart.getPlugins().add(new Zoomer());
        chart.setMinSize(200, 150);
        return chart;
    }
}
