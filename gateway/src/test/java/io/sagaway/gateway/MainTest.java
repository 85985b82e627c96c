package io.sagaway.gateway;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @Test
    void theStartedServicesStopAfterThePlatform() {
        List<String> stopped = new ArrayList<>();
        Main.shutDown(() -> stopped.add("platform"), () -> stopped.add("services"));
        assertThat(stopped).containsExactly("platform", "services");
    }

    @Test
    void theStartedServicesStopEvenWhenThePlatformDoesNotStopInTime() {
        List<String> stopped = new ArrayList<>();
        Main.shutDown(() -> {
            throw new IllegalStateException("not done within 20 s");
        }, () -> stopped.add("services"));
        assertThat(stopped).containsExactly("services");
    }
}
