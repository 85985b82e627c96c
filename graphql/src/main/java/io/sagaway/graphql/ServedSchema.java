package io.sagaway.graphql;

import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The schema the gateway serves: {@code graphql/schema.graphqls} on the classpath, a superset of the public contract. */
public final class ServedSchema {

    public static final String RESOURCE = "graphql/schema.graphqls";

    private ServedSchema() {
    }

    public static String text() {
        try (InputStream in = ServedSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public static TypeDefinitionRegistry registry() {
        return new SchemaParser().parse(text());
    }
}
