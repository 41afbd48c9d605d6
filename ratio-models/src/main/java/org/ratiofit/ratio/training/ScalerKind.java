package org.ratiofit.ratio.training;

/** How the scaled features are transformed before the network (fitted on training events only). */
public enum ScalerKind {
    /** no transformation */
    NONE,
    /** (x − mean)/std, population std as scikit-learn's StandardScaler */
    STANDARD,
    /** linear map of [min, max] of the training data onto a range, as scikit-learn's MinMaxScaler */
    MIN_MAX,
    /** Yeo-Johnson power transform with λ by maximum likelihood, then standardised (scikit-learn PowerTransformer) */
    YEO_JOHNSON
}
