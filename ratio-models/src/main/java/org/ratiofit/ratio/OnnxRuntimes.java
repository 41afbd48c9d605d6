package org.ratiofit.ratio;

import ai.onnxruntime.OrtEnvironment;

/** The one ONNX Runtime environment of the JVM (starting one costs ~0.35 s). */
public final class OnnxRuntimes {
    private OnnxRuntimes() {}

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }
}
