package io.sagaway.messaging;

/** Every event-bus address, in one place. */
public final class Addresses {

    /** Request/reply: commands for the order aggregate (placeOrder, cancelOrder, and the saga's step results). */
    public static final String ORDER_COMMANDS = "orders.commands";

    private Addresses() {
    }
}
