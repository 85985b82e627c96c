package io.sagaway.order.domain;


/** A shipping address; {@code country} is an ISO 3166-1 alpha-2 code. */
public record Address(String line1, String city, String postalCode, String country) {
}
