package io.memscope.app.plan;

import io.memscope.trainer.plan.Planner;

/** A plan and the largest batch that fits the same budget (0: not even one sample). */
public record PlanResult(Planner.Plan plan, int batch, int maxBatch) {}
