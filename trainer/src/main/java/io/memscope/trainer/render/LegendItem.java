package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One entry of the legend: a swatch and what it means. */
record LegendItem(String label, int argb, Swatch swatch) {
    enum Swatch {
        /** A filled square: a memory category. */
        SOLID,
        /** A light hatched square: tensors swapped out or compressed. */
        HATCHED,
        /** A flat bar, like the phase strip. */
        STRIP,
        /** A line: reserved memory, drawn over the stacked categories. */
        LINE,
        /** A pale square: blocks pending free. */
        PALE
    }

    /** Which part of the picture an entry explains (memory, off-device states, phases); see the layout. */
    int group() {
        return swatch.ordinal();
    }

    /**
     * Categories present (in stacking order) and host memory when the trace has any, reserved memory when the
     * trace has it, then off-device states and blocks pending free, then the phase kinds present.
     */
    static List<LegendItem> of(TimelineModel model) {
        List<LegendItem> items = new ArrayList<>();
        for (Category c : TimelineModel.STACK_ORDER) {
            if (model.categoriesPresent().contains(c)) {
                items.add(new LegendItem(label(c), TimelineColors.of(c), Swatch.SOLID));
            }
        }
        if (model.hasHostEvents()) {
            items.add(new LegendItem(label(Category.HOST), TimelineColors.of(Category.HOST), Swatch.SOLID));
        }
        if (model.hasReserved()) {
            items.add(new LegendItem("reserved", TimelineColors.RESERVED, Swatch.LINE));
        }
        if (model.offDeviceStatesPresent().contains(LifetimeState.SWAPPED_OUT)) {
            items.add(new LegendItem("swapped out", 0xFF7F7F7F, Swatch.HATCHED));
        }
        if (model.offDeviceStatesPresent().contains(LifetimeState.COMPRESSED)) {
            items.add(new LegendItem("held compressed", 0xFF7F7F7F, Swatch.HATCHED));
        }
        if (model.offDeviceStatesPresent().contains(LifetimeState.PENDING_FREE)) {
            items.add(new LegendItem("pending free", TimelineColors.lighter(0xFF7F7F7F,
                    TimelineColors.PENDING_FREE_LIGHTER), Swatch.PALE));
        }
        Set<PhaseKind> kinds = EnumSet.noneOf(PhaseKind.class);
        for (PhaseInterval p : model.phases()) {
            kinds.add(p.kind());
        }
        for (PhaseKind k : kinds) {
            items.add(new LegendItem(k.label(), TimelineColors.of(k), Swatch.STRIP));
        }
        return items;
    }

    /** {@code OPTIMIZER_STATE} as "optimizer state", {@code HOST} as "host memory". */
    static String label(Category c) {
        return c == Category.HOST ? "host memory" : c.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
