package org.ratiofit.ratio.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constants inside the NDArray expressions that PyTorch's autograd records (losses, activations),
 * as tensors that PyTorch allocates and owns.
 *
 * <p>Why: DJL 0.35.1's {@code NDArray.mul(Number)} (likewise {@code div}, {@code maximum},
 * {@code minimum}, {@code pow} with a number, and {@code Activation.swish}, which multiplies by its
 * β) wraps the number in a 0-dimensional tensor over a Java direct buffer ({@code torch::from_blob},
 * memory PyTorch does not own), computes, and closes the wrapper at once. For these operations
 * autograd keeps the operand for the backward pass, but the buffer's memory is returned to the
 * allocator when the garbage collector next runs. A collection between the forward and the
 * backward pass therefore makes the backward pass read freed memory: wrong gradients, sometimes a
 * NaN loss, depending only on when the collector runs (the "rare, not reproducible NaN loss" of
 * the trainers; a thread calling {@code System.gc()} makes it happen within a few epochs).
 * {@code add} and {@code sub} with a number are safe (their backward pass needs no operand), as
 * are in-place updates outside autograd (optimisers, parameter overwrites).
 */
public final class GraphConstants {
    private GraphConstants() {
    }

    /** The number v as a 0-dimensional tensor of {@code like}'s type, on its manager, owned by PyTorch ({@code torch::full}). */
    public static NDArray scalar(NDArray like, float v) {
        return like.getManager().full(new Shape(), v, like.getDataType());
    }

    /** x·σ(x) (swish with β = 1) without a number in the graph; the same values as DJL's {@code Activation.swish(x, 1)}. */
    public static NDArray swish(NDArray x) {
        return x.getNDArrayInternal().sigmoid().mul(x);
    }

    /** softplus(z) = ln(1 + e^z), stable: max(z, 0) + ln(1 + e^{−|z|}), with the 0 a PyTorch-owned tensor. */
    public static NDArray softplus(NDArray z) {
        return z.maximum(scalar(z, 0f)).add(z.abs().neg().exp().add(1f).log());
    }
}
