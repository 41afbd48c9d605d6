package org.ratiofit.distributed;

import org.apache.spark.launcher.JavaModuleOptions;

/** Prints the JVM flags this Spark version needs on Java 17+ (used by the ratiofit-spark launcher). */
public final class SparkJvmFlags {

    private SparkJvmFlags() {
    }

    public static void main(String[] args) {
        System.out.println(JavaModuleOptions.defaultModuleOptions());
    }
}
