package io.sagaway.graphql;

import graphql.language.AstPrinter;
import graphql.language.EnumTypeDefinition;
import graphql.language.EnumValueDefinition;
import graphql.language.FieldDefinition;
import graphql.language.InputObjectTypeDefinition;
import graphql.language.InputValueDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.language.ScalarTypeDefinition;
import graphql.language.TypeDefinition;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served schema must keep every type, field, argument, enum value and default of the public
 * contract ({@code schema-contract.graphqls}, a copy of {@code shared/api/schema.graphqls}).
 */
class SchemaContractTest {

    @Test
    void theServedSchemaIsASupersetOfTheContract() throws IOException {
        assertThat(differences(contract(), ServedSchema.registry())).isEmpty();
    }

    @Test
    void theComparisonNoticesARemovedFieldAChangedTypeAMissingEnumValueAndAChangedDefault() throws IOException {
        String contractText = contractText();
        String broken = contractText
            .replace("  trackingNumber: String\n", "")
            .replace("  version: Int!\n  createdAt: DateTime!", "  version: String!\n  createdAt: DateTime!")
            .replace("  CANCELLED\n}", "}")
            .replace("first: Int = 20, after: String): OrderConnection!", "first: Int = 50, after: String): OrderConnection!");

        List<String> found = differences(contract(), new SchemaParser().parse(broken));

        assertThat(found).anyMatch(d -> d.contains("Order.trackingNumber"))
            .anyMatch(d -> d.contains("Order.version"))
            .anyMatch(d -> d.contains("OrderStatus.CANCELLED"))
            .anyMatch(d -> d.contains("Query.orders(first)"));
    }

    static List<String> differences(TypeDefinitionRegistry contract, TypeDefinitionRegistry served) {
        List<String> problems = new ArrayList<>();
        for (TypeDefinition<?> expected : contract.types().values()) {
            TypeDefinition<?> actual = served.getType(expected.getName()).orElse(null);
            if (actual == null) {
                problems.add("type " + expected.getName() + " is missing");
                continue;
            }
            if (actual.getClass() != expected.getClass()) {
                problems.add("type " + expected.getName() + " changed kind");
                continue;
            }
            switch (expected) {
                case ObjectTypeDefinition o -> compareFields(o.getName(), o.getFieldDefinitions(),
                    ((ObjectTypeDefinition) actual).getFieldDefinitions(), problems);
                case InputObjectTypeDefinition i -> compareInputs(i.getName(), i.getInputValueDefinitions(),
                    ((InputObjectTypeDefinition) actual).getInputValueDefinitions(), problems);
                case EnumTypeDefinition e -> {
                    var actualValues = ((EnumTypeDefinition) actual).getEnumValueDefinitions().stream()
                        .map(EnumValueDefinition::getName).collect(Collectors.toSet());
                    e.getEnumValueDefinitions().stream().map(EnumValueDefinition::getName)
                        .filter(v -> !actualValues.contains(v))
                        .forEach(v -> problems.add("enum value " + e.getName() + "." + v + " is missing"));
                }
                case ScalarTypeDefinition s -> { }
                default -> problems.add("type " + expected.getName() + " is of a kind this test does not compare");
            }
        }
        return problems;
    }

    private static void compareFields(String type, List<FieldDefinition> expected, List<FieldDefinition> actual,
                                      List<String> problems) {
        Map<String, FieldDefinition> byName = index(actual, FieldDefinition::getName);
        for (FieldDefinition field : expected) {
            FieldDefinition served = byName.get(field.getName());
            String where = type + "." + field.getName();
            if (served == null) {
                problems.add("field " + where + " is missing");
                continue;
            }
            if (!print(field.getType()).equals(print(served.getType()))) {
                problems.add("field " + where + " has type " + print(served.getType()) + ", not " + print(field.getType()));
            }
            compareInputs(type + "." + field.getName() + "()", field.getInputValueDefinitions(),
                served.getInputValueDefinitions(), problems);
        }
    }

    private static void compareInputs(String owner, List<InputValueDefinition> expected, List<InputValueDefinition> actual,
                                      List<String> problems) {
        Map<String, InputValueDefinition> byName = index(actual, InputValueDefinition::getName);
        for (InputValueDefinition input : expected) {
            InputValueDefinition served = byName.get(input.getName());
            String where = owner.endsWith("()") ? owner.substring(0, owner.length() - 1) + input.getName() + ")"
                : owner + "." + input.getName();
            if (served == null) {
                problems.add("argument or input field " + where + " is missing");
                continue;
            }
            if (!print(input.getType()).equals(print(served.getType()))) {
                problems.add(where + " has type " + print(served.getType()) + ", not " + print(input.getType()));
            }
            String expectedDefault = input.getDefaultValue() == null ? null : print(input.getDefaultValue());
            String servedDefault = served.getDefaultValue() == null ? null : print(served.getDefaultValue());
            if (!Objects.equals(expectedDefault, servedDefault)) {
                problems.add(where + " defaults to " + servedDefault + ", not " + expectedDefault);
            }
        }
        // A new argument must not become required, or existing clients break.
        actual.stream()
            .filter(a -> expected.stream().noneMatch(e -> e.getName().equals(a.getName())))
            .filter(a -> print(a.getType()).endsWith("!") && a.getDefaultValue() == null)
            .forEach(a -> problems.add("new required argument or input field " + owner + " " + a.getName()));
    }

    private static String print(graphql.language.Node<?> node) {
        return AstPrinter.printAstCompact(node);
    }

    private static <T> Map<String, T> index(List<T> items, Function<T, String> name) {
        return items.stream().collect(Collectors.toMap(name, Function.identity()));
    }

    private static TypeDefinitionRegistry contract() throws IOException {
        return new SchemaParser().parse(contractText());
    }

    private static String contractText() throws IOException {
        try (InputStream in = SchemaContractTest.class.getResourceAsStream("/schema-contract.graphqls")) {
            return new String(Objects.requireNonNull(in, "schema-contract.graphqls").readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
