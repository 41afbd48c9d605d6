package org.ratiofit.workspace.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The ratiofit version this module was built as (filled in by Maven resource filtering). */
public final class RatiofitVersion {

    private static final String VERSION = load();

    private RatiofitVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = RatiofitVersion.class.getResourceAsStream("/org/ratiofit/workspace/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.contains("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
