package io.sagaway.participant;

import io.sagaway.messaging.Addresses;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.testing.Await;
import io.sagaway.testing.SagaFixture;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** adjustStock and creditAccount, served by the inventory and payment participants over the event bus. */
class OperatorActionsIT {

    private static SagaFixture platform;

    @BeforeAll
    static void start() {
        platform = SagaFixture.start(SagaPolicy.DEFAULT);
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    private static JsonObject ask(String address, JsonObject message) {
        return Await.result(platform.vertx().eventBus().<JsonObject>request(address, message)).body();
    }

    private static ReplyException refused(String address, JsonObject message) {
        return (ReplyException) Await.failure(platform.vertx().eventBus().request(address, message));
    }

    @Test
    void adjustingStockCreatesANewSkuAddsAndRemovesButNeverGoesBelowZero() {
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);

        JsonObject created = ask(Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "AdjustStock").put("sku", sku).put("delta", 7));
        JsonObject lowered = ask(Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "AdjustStock").put("sku", sku).put("delta", -5));
        ReplyException tooMuch = refused(Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "AdjustStock").put("sku", sku).put("delta", -3));
        ReplyException badSku = refused(Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "AdjustStock").put("sku", "bad sku").put("delta", 1));

        assertThat(created).isEqualTo(new JsonObject().put("sku", sku).put("available", 7).put("reserved", 0));
        assertThat(lowered.getInteger("available")).isEqualTo(2);
        assertThat(tooMuch.failureCode()).isEqualTo(400);
        assertThat(new JsonObject(tooMuch.getMessage()).getString("field")).isEqualTo("delta");
        assertThat(badSku.failureCode()).isEqualTo(400);
        assertThat(platform.stock(sku)).containsExactly(2, 0);
        assertThat(ask(Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "GetStock").put("sku", sku)).getInteger("available"))
            .isEqualTo(2);
    }

    @Test
    void creditingAnAccountCreatesItOrAddsExactlyAndRefusesBadAmounts() {
        String customer = "c-" + UUID.randomUUID().toString().substring(0, 8);

        JsonObject first = ask(Addresses.PAYMENT_COMMANDS, new JsonObject().put("action", "CreditAccount").put("customerId", customer).put("amount", "100.10"));
        JsonObject second = ask(Addresses.PAYMENT_COMMANDS, new JsonObject().put("action", "CreditAccount").put("customerId", customer).put("amount", "0.20"));
        ReplyException negative = refused(Addresses.PAYMENT_COMMANDS, new JsonObject().put("action", "CreditAccount").put("customerId", customer).put("amount", "-1"));
        ReplyException tooPrecise = refused(Addresses.PAYMENT_COMMANDS, new JsonObject().put("action", "CreditAccount").put("customerId", customer).put("amount", "1.001"));

        assertThat(first).isEqualTo(new JsonObject().put("customerId", customer).put("balance", "100.10").put("currency", "KRW"));
        assertThat(second.getString("balance")).isEqualTo("100.30");
        assertThat(negative.failureCode()).isEqualTo(400);
        assertThat(tooPrecise.failureCode()).isEqualTo(400);
        assertThat(platform.balance(customer)).isEqualByComparingTo("100.30");
    }

    @Test
    void theDemoDataIsLoadedOnceAndNotReappliedOverOperatorChanges() {
        assertThat(platform.stock("SKU-5")[0]).isEqualTo(100);
        assertThat(platform.balance("alice")).isEqualByComparingTo("1000000");
        ask(Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "AdjustStock").put("sku", "SKU-5").put("delta", -40));

        assertThat(Await.result(DemoData.loadOnce(platform.schema().pool()))).isFalse();
        assertThat(platform.stock("SKU-5")[0]).isEqualTo(60);
    }
}
