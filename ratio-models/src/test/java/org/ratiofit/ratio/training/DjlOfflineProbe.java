package org.ratiofit.ratio.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a fresh JVM by {@link DjlOfflineTest}: refuses and records every http(s) URL the JVM
 * tries to open, then runs one DJL NDArray operation after only {@link DjlOffline#ensure()}.
 */
public final class DjlOfflineProbe {
    private static final List<String> ATTEMPTS = new CopyOnWriteArrayList<>();

    private DjlOfflineProbe() {
    }

    public static void main(String[] args) {
        URL.setURLStreamHandlerFactory(protocol -> {
            if (!protocol.equals("http") && !protocol.equals("https")) {
                return null;
            }
            return new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL u) throws IOException {
                    ATTEMPTS.add(u.toString());
                    throw new IOException("network refused by DjlOfflineProbe: " + u);
                }
            };
        });
        DjlOffline.ensure();
        float sum;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1f, 2f, 3f, 4f});
            sum = a.mul(a).sum().getFloat(); // 30
        }
        System.out.println("DJL_ENGINE=" + ai.djl.engine.Engine.getInstance().getEngineName());
        System.out.println("SUM_OF_SQUARES=" + sum);
        System.out.println("NETWORK_ATTEMPTS=" + ATTEMPTS.size() + " " + ATTEMPTS);
        System.exit(ATTEMPTS.isEmpty() ? 0 : 3);
    }
}
