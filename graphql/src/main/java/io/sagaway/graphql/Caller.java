package io.sagaway.graphql;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;

import java.util.Set;

/**
 * Who makes a request, from their verified token: a subject, roles ({@code operator},
 * {@code customer}) and, for customers, the customer id they act as.
 */
public record Caller(String subject, Set<String> roles, String customerId) {

    public static final String OPERATOR = "operator";
    public static final String CUSTOMER = "customer";

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean isOperator() {
        return roles.contains(OPERATOR);
    }

    /** A customer with the customer id they act as; a customer role without one grants nothing. */
    public boolean isCustomer() {
        return roles.contains(CUSTOMER) && customerId != null;
    }

    /** Operators act for anyone; a customer only for their own customer id. */
    public boolean mayActFor(String customer) {
        return isOperator() || (isCustomer() && customerId.equals(customer));
    }

    public void requireOperator() {
        if (!isOperator()) {
            throw new CommandFailure(ErrorCode.FORBIDDEN, "only operators may do this");
        }
    }

    public void requireActingFor(String customer) {
        if (!mayActFor(customer)) {
            throw new CommandFailure(ErrorCode.FORBIDDEN, "this belongs to another customer");
        }
    }
}
