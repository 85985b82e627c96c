package io.sagaway.testing;

import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.stack.StackEndpoints;
import io.sagaway.stack.StackResolver;

import java.util.UUID;

/** The real services for integration tests, and unique names that keep tests out of each other's data. */
public final class TestServices {

    private TestServices() {
    }

    public static ServiceEndpoints endpoints() {
        StackEndpoints e = StackResolver.forTests();
        return new ServiceEndpoints(e.postgresUri(), e.redisUri(), e.kafkaBootstrap(), e.elasticsearchUrl());
    }

    /** A name no other test run uses: lower case letters, digits and underscores. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
