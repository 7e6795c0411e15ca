package io.memscope.app.plan;

import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.Planner;

/**
 * A plan and the largest batch that fits the same budget (0: not even one sample).
 *
 * @param note          what the mode chose for the budget before planning (row-centric's bands auto), or empty
 * @param advice        what would fit, when the plan does not; null when it fits
 * @param layout        how the planned mode arranges the step ({@code MemoryMode.layout}), empty when it says nothing
 * @param reversibility which layers reversible mode rebuilds and why not the others; null in other modes
 */
public record PlanResult(Planner.Plan plan, int batch, int maxBatch, String note, FitAdvice advice, String layout,
                         Reversibility reversibility) {}
