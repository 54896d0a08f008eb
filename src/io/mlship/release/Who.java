package io.mlship.release;

import java.io.IOException;
import java.net.InetAddress;

/** Who is acting, as the lock holder and the release state name them: the Jenkins build, else user@host. */
public final class Who {
    private Who() {
    }

    /** {@code buildUrl} when there is one (a build is the most useful pointer), else the user and machine. */
    public static String of(String buildUrl) {
        return buildUrl != null ? buildUrl : System.getProperty("user.name", "someone") + "@" + host();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
