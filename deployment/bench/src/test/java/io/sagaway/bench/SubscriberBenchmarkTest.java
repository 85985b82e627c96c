package io.sagaway.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A delivery is read by its fields without parsing the message. */
class SubscriberBenchmarkTest {

    private static final String NEXT = "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"orderStatusChanged\":"
        + "{\"orderId\":\"o-42\",\"status\":\"SHIPPED\",\"version\":12}}}}";

    @Test
    void stringsAndNumbersAreRead() {
        assertThat(SubscriberBenchmark.field(NEXT, "orderId")).isEqualTo("o-42");
        assertThat(SubscriberBenchmark.field(NEXT, "status")).isEqualTo("SHIPPED");
        assertThat(SubscriberBenchmark.field(NEXT, "version")).isEqualTo("12");
        assertThat(SubscriberBenchmark.field(NEXT, "type")).isEqualTo("next");
    }

    @Test
    void anAbsentOrEmptyFieldIsNull() {
        assertThat(SubscriberBenchmark.field(NEXT, "reason")).isNull();
        assertThat(SubscriberBenchmark.field("{\"version\":null}", "version")).isNull();
        assertThat(SubscriberBenchmark.field("{\"orderId\":\"unterminated", "orderId")).isNull();
    }
}
