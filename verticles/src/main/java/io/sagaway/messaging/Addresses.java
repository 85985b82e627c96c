package io.sagaway.messaging;


/** Every event-bus address, in one place. All are request/reply. */
public final class Addresses {

    /** Commands for the order aggregate (placeOrder, cancelOrder, and the saga's step results). */
    public static final String ORDER_COMMANDS = "orders.commands";
    /** Operator actions on sagas (retry). */
    public static final String SAGA_COMMANDS = "sagas.commands";
    /** Dead letters: list and redrive. */
    public static final String DEAD_LETTER_COMMANDS = "dead-letters.commands";
    /** The payment participant's operator actions and reads (credit an account, read an account). */
    public static final String PAYMENT_COMMANDS = "payment.commands";
    /** The inventory participant's operator actions and reads (adjust stock, read stock). */
    public static final String INVENTORY_COMMANDS = "inventory.commands";

    /** The read model's operator actions: {@code Rebuild} and {@code RebuildStatus}. */
    public static final String READ_MODEL_COMMANDS = "readmodel.commands";

    /** Published (not sent) by projectors after each indexed document: {kind, id, version, lagMs}. */
    public static final String PROJECTION_UPDATES = "readmodel.projected";

    private Addresses() {
    }
}
