package io.sagaway.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    @Test
    void withoutOptionsItIsAMinuteOfOpenLoopAgainstTheLocalPlatformWithRawLimitsAndNoFailures() {
        Options options = Options.parse(List.of());

        assertThat(options.url()).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(options.load()).isEqualTo(new Options.FixedRate(20));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.steadyState()).isEqualTo(Duration.ofSeconds(50));
        assertThat(options.mix()).isEqualTo(new FailureMix(0, 0));
        assertThat(options.customers()).containsExactly(new Options.Credentials("alice", "alice"), new Options.Credentials("bob", "bob"));
        assertThat(options.operator()).isEqualTo(new Options.Credentials("admin", "admin"));
        assertThat(options.measuresRawLimits()).isTrue();
        assertThat(options.rawPhase()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.smoke()).isFalse();
        assertThat(options.spreads()).isFalse();
        assertThat(options.spreadCustomers()).isZero();
        assertThat(options.spreadCustomerIds()).isEmpty();
        assertThat(options.spreadShare()).isZero();
        assertThat(options.describe()).contains("customers alice, bob");
    }

    @Test
    void everyOptionIsReadWhateverItsPlace() {
        Options options = Options.parse(List.of("--ship-fail", "12.5", "--url", "https://sagaway.example:8443/", "--rate", "250",
            "--duration", "30", "--warmup", "0", "--timeout", "90", "--out-of-stock", "5", "--customers", "carol:secret,dave",
            "--operator", "root:pw", "--raw-seconds", "3", "--connections", "16"));

        assertThat(options.url()).isEqualTo(URI.create("https://sagaway.example:8443"));
        assertThat(options.load()).isEqualTo(new Options.FixedRate(250));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.warmup()).isZero();
        assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.mix()).isEqualTo(new FailureMix(12.5, 5));
        assertThat(options.customers()).containsExactly(new Options.Credentials("carol", "secret"), new Options.Credentials("dave", "dave"));
        assertThat(options.operator()).isEqualTo(new Options.Credentials("root", "pw"));
        assertThat(options.rawPhase()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.httpConnections()).isEqualTo(16);
        assertThat(options.orderBudget()).isEqualTo(250 * 30);
    }

    @Test
    void clientsMakeAClosedLoopWithAConnectionEachAndABudgetFromTheCeilingPerClient() {
        Options options = Options.parse(List.of("--clients", "100", "--duration", "20", "--warmup", "5", "--no-raw"));

        assertThat(options.load()).isEqualTo(new Options.Clients(100));
        assertThat(options.httpConnections()).isEqualTo(100);
        assertThat(options.orderBudget()).isEqualTo(100L * 20 * Options.CLOSED_LOOP_CEILING_PER_CLIENT);
        assertThat(options.measuresRawLimits()).isFalse();
        assertThat(options.describe()).contains("closed loop of 100 clients").contains("20 s").contains("first 5 s");
    }

    @Test
    void smokeIsFiveSecondsAtFiveOrdersASecondWithTheFailureMixAndShortRawLimitsUnlessToldOtherwise() {
        Options smoke = Options.parse(List.of("--smoke"));

        assertThat(smoke.smoke()).isTrue();
        assertThat(smoke.load()).isEqualTo(new Options.FixedRate(5));
        assertThat(smoke.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(smoke.warmup()).isEqualTo(Duration.ofSeconds(1));
        assertThat(smoke.mix().shipFailPercent()).isPositive();
        assertThat(smoke.mix().outOfStockPercent()).isPositive();
        assertThat(smoke.rawPhase()).isEqualTo(Duration.ofSeconds(2));
        assertThat(smoke.orderBudget()).isEqualTo(25);

        Options told = Options.parse(List.of("--rate", "8", "--smoke", "--ship-fail", "0", "--no-raw"));
        assertThat(told.load()).isEqualTo(new Options.FixedRate(8));
        assertThat(told.mix().shipFailPercent()).isZero();
        assertThat(told.measuresRawLimits()).isFalse();
    }

    @Test
    void spreadCustomersAreSyntheticCustomersTheOperatorPlacesOrdersForInTurnEachFundedForItsShare() {
        Options options = Options.parse(List.of("--spread-customers", "100", "--rate", "10", "--duration", "101"));

        assertThat(options.spreads()).isTrue();
        assertThat(options.spreadCustomers()).isEqualTo(100);
        assertThat(options.customers()).isEmpty();
        assertThat(options.operator()).isEqualTo(new Options.Credentials("admin", "admin"));
        assertThat(options.spreadCustomerIds()).hasSize(100).startsWith("load-c001", "load-c002").endsWith("load-c100").doesNotHaveDuplicates();
        assertThat(options.orderBudget()).isEqualTo(1010);
        assertThat(options.spreadShare()).as("1010 orders in turn over 100 customers: 11 at most each").isEqualTo(11);
        assertThat(options.describe()).contains("100 spread customers load-c001..load-c100 (orders placed by admin)").doesNotContain("alice");
    }

    @Test
    void oneSpreadCustomerOnOneSkuIsTheHotRowsFlashSale() {
        Options options = Options.parse(List.of("--spread-customers", "1", "--skus", "1", "--clients", "8", "--duration", "20"));

        assertThat(options.spreadCustomerIds()).containsExactly("load-c001");
        assertThat(options.skus()).isEqualTo(1);
        assertThat(options.spreadShare()).isEqualTo(options.orderBudget());
        assertThat(options.describe()).contains("1 spread customer load-c001 (").contains("1 SKUs");
    }

    @Test
    void spreadCustomerIdsKeepTheirNamesWhateverTheirNumberAndAreValidIds() {
        assertThat(Options.spreadCustomerId(0)).isEqualTo("load-c001");
        assertThat(Options.spreadCustomerId(998)).isEqualTo("load-c999");
        assertThat(Options.spreadCustomerId(999)).isEqualTo("load-c1000");
        assertThat(Options.spreadCustomerId(Options.MAX_SPREAD_CUSTOMERS - 1)).isEqualTo("load-c10000").matches("[A-Za-z0-9._-]{1,64}");
        assertThat(Options.parse(List.of("--spread-customers", "3")).spreadCustomerIds())
            .isEqualTo(Options.parse(List.of("--spread-customers", "1000")).spreadCustomerIds().subList(0, 3));
        assertThat(Options.parse(List.of("--spread-customers", String.valueOf(Options.MAX_SPREAD_CUSTOMERS))).spreadCustomerIds())
            .hasSize(Options.MAX_SPREAD_CUSTOMERS).doesNotHaveDuplicates();
    }

    @Test
    void theShareOfASpreadCustomerIsTheBudgetDividedRoundedUp() {
        assertThat(Options.parse(List.of("--spread-customers", "3", "--rate", "10", "--duration", "10", "--warmup", "0"))
            .spreadShare()).isEqualTo(34);
        assertThat(Options.parse(List.of("--spread-customers", "4", "--rate", "10", "--duration", "10", "--warmup", "0"))
            .spreadShare()).isEqualTo(25);
        assertThat(Options.parse(List.of("--spread-customers", "500", "--smoke")).spreadShare())
            .as("more customers than orders: one each at most").isEqualTo(1);
    }

    @Test
    void spreadCustomersAndCustomersExcludeEachOtherAndAtLeastOneSpreadCustomerIsNeeded() {
        assertThatThrownBy(() -> Options.parse(List.of("--customers", "alice", "--spread-customers", "10")))
            .hasMessageContaining("--customers").hasMessageContaining("--spread-customers").hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> Options.parse(List.of("--spread-customers", "10", "--customers", "alice:alice,bob:bob")))
            .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> Options.parse(List.of("--spread-customers", "0")))
            .hasMessageContaining("--spread-customers must be more than 0");
        assertThatThrownBy(() -> Options.parse(List.of("--spread-customers", "-3")))
            .hasMessageContaining("--spread-customers must be more than 0");
        assertThatThrownBy(() -> Options.parse(List.of("--spread-customers", "2.5"))).hasMessageContaining("--spread-customers")
            .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Options.parse(List.of("--spread-customers", "many"))).hasMessageContaining("--spread-customers")
            .hasMessageContaining("not a number");
        assertThatThrownBy(() -> Options.parse(List.of("--spread-customers"))).hasMessageContaining("--spread-customers needs a value");
        assertThatThrownBy(() -> Options.parse(List.of("--spread-customers", String.valueOf(Options.MAX_SPREAD_CUSTOMERS + 1))))
            .hasMessageContaining("--spread-customers must be 1 to " + Options.MAX_SPREAD_CUSTOMERS);
        assertThat(Options.USAGE).contains("--spread-customers N");
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> Options.parse(List.of("--rate", "10", "--clients", "4"))).hasMessageContaining("--rate")
            .hasMessageContaining("--clients");
        assertThatThrownBy(() -> Options.parse(List.of("--rate"))).hasMessageContaining("--rate needs a value");
        assertThatThrownBy(() -> Options.parse(List.of("--rate", "fast"))).hasMessageContaining("--rate").hasMessageContaining("not a number");
        assertThatThrownBy(() -> Options.parse(List.of("--rate", "0"))).hasMessageContaining("--rate must be more than 0");
        assertThatThrownBy(() -> Options.parse(List.of("--clients", "2.5"))).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Options.parse(List.of("--ship-fail", "101"))).hasMessageContaining("--ship-fail");
        assertThatThrownBy(() -> Options.parse(List.of("--ship-fail", "60", "--out-of-stock", "50"))).hasMessageContaining("100");
        assertThatThrownBy(() -> Options.parse(List.of("--duration", "10", "--warmup", "10"))).hasMessageContaining("--warmup");
        assertThatThrownBy(() -> Options.parse(List.of("--url", "localhost:8080"))).hasMessageContaining("--url");
        assertThatThrownBy(() -> Options.parse(List.of("--customers", ":x"))).hasMessageContaining("names no user");
        assertThatThrownBy(() -> Options.parse(List.of("--orders", "5"))).hasMessageContaining("unknown option '--orders'");
    }
}
