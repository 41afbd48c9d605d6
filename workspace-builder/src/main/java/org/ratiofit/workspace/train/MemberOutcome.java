package org.ratiofit.workspace.train;

import java.io.Serializable;

/**
 * What a {@link MemberTask} gives back: the trained member's full record (the JSON of
 * {@code member-K.training.json}: split, scaler, weights, loss history), from which the driver
 * writes the ONNX file, sidecar, record and diagnostics exactly as the local path does; or, when
 * the loss became NaN twice, the message (the driver then trains the ensemble again with another
 * seed, as the local path does).
 *
 * @param job        index of the ensemble in the plan's jobs
 * @param member     member index
 * @param record     the TrainedMember as JSON (UTF-8), or null after a NaN loss
 * @param nanFailure the NaN-loss message, or null
 */
public record MemberOutcome(int job, int member, byte[] record, String nanFailure) implements Serializable {
}
