package io.memscope.trainer.data;

/** The samples to train on and the held-out samples to measure accuracy on. */
public record DataSplit(Dataset train, Dataset test) {}
