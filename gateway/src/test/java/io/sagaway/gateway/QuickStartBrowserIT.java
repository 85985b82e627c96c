package io.sagaway.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * The README's quick start as a newcomer runs it: the built jar started from the repository root
 * exactly as ./run.sh starts it ({@link PlatformProcess}), then the admin UI and GraphiQL opened
 * in Chromium. The admin UI once answered 200 here with a blank page: its sources, found in the
 * working folder, were served instead of its build.
 */
class QuickStartBrowserIT {

    private static PlatformProcess platform;

    @BeforeAll
    static void startAsRunShDoes() throws Exception {
        platform = PlatformProcess.start("it_qs", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void theAdminUiAndGraphiqlWorkInChromium() throws Exception {
        BrowserTests.run("quickstart.e2e.ts", platform.port(), Map.of());
    }
}
