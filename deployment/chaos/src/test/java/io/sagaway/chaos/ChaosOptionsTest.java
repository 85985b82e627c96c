package io.sagaway.chaos;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosOptionsTest {

    @Test
    void defaultsInjectEveryKindOfFaultOnTheDefaultLayout() {
        ChaosOptions options = ChaosOptions.parse(List.of());
        assertThat(options.faults()).containsExactly(Fault.Kind.values());
        assertThat(options.layout()).isEqualTo(ChaosOptions.DEFAULT_LAYOUT);
        assertThat(options.pause()).isEqualTo(options.sessionTimeout().plusSeconds(5));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(180));
        assertThat(options.maxDuration()).as("never past --duration unless asked").isEqualTo(options.duration());
    }

    @Test
    void optionsAreRead() {
        ChaosOptions options = ChaosOptions.parse(List.of("--duration", "60", "--rate", "7.5", "--faults", "kill,redis",
            "--layout", "all", "--session-timeout", "8", "--seed", "42"));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.rate()).isEqualTo(7.5);
        assertThat(options.faults()).containsExactly(Fault.Kind.KILL, Fault.Kind.REDIS);
        assertThat(options.layout()).containsExactly("all");
        assertThat(options.pause()).isEqualTo(Duration.ofSeconds(13));
        assertThat(options.seed()).isEqualTo(42);
        assertThat(ChaosOptions.parse(List.of("--duration", "60", "--max-duration", "90")).maxDuration()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void badInputIsRefusedWithAReason() {
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--faults", "meteor"))).hasMessageContaining("unknown fault 'meteor'");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--layout", "projector;outbox-relay,order-saga,payment,inventory,shipping"))).hasMessageContaining("missing: [gateway, order-commands");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--session-timeout", "2"))).hasMessageContaining("at least 6 s");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--bogus", "1"))).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--rate"))).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ChaosOptions.parse(List.of("--duration", "60", "--max-duration", "30"))).hasMessageContaining("at least --duration");
    }
}
