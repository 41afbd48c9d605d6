package org.ratiofit.ratio;

/**
 * Per-event log-ratios of one model with the bookkeeping of the output conversion.
 *
 * @param model       model name
 * @param logRatio    ln r per event (after class-prior correction and calibration)
 * @param clippedLow  events whose score (or any softmax probability) was raised to the lower clip bound
 * @param clippedHigh events whose score was lowered to the upper clip bound
 */
public record Evaluation(String model, double[] logRatio, long clippedLow, long clippedHigh) {}
