package io.sagaway.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The contract's scalars: DateTime (ISO-8601 UTC), Decimal (exact, as a string) and JSON. */
final class Scalars {

    private Scalars() {
    }

    static final GraphQLScalarType DATE_TIME = GraphQLScalarType.newScalar().name("DateTime")
        .coercing(new Coercing<Instant, String>() {
            @Override
            public String serialize(Object value, GraphQLContext context, Locale locale) {
                if (value instanceof Instant instant) {
                    return instant.toString();
                }
                if (value instanceof String text) {
                    return Instant.parse(text).toString();
                }
                throw new CoercingSerializeException("not a DateTime: " + value);
            }

            @Override
            public Instant parseValue(Object input, GraphQLContext context, Locale locale) {
                return parse(String.valueOf(input), CoercingParseValueException::new);
            }

            @Override
            public Instant parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
                if (input instanceof StringValue s) {
                    return parse(s.getValue(), CoercingParseLiteralException::new);
                }
                throw new CoercingParseLiteralException("a DateTime is a string such as \"2026-11-26T12:00:00Z\"");
            }
        }).build();

    static final GraphQLScalarType DECIMAL = GraphQLScalarType.newScalar().name("Decimal")
        .coercing(new Coercing<BigDecimal, String>() {
            @Override
            public String serialize(Object value, GraphQLContext context, Locale locale) {
                if (value instanceof BigDecimal d) {
                    return d.toPlainString();
                }
                if (value instanceof String s) {
                    return new BigDecimal(s).toPlainString();
                }
                throw new CoercingSerializeException("not a Decimal: " + value);
            }

            @Override
            public BigDecimal parseValue(Object input, GraphQLContext context, Locale locale) {
                if (input instanceof String s) {
                    return decimal(s, CoercingParseValueException::new);
                }
                if (input instanceof Number n && !(input instanceof Double) && !(input instanceof Float)) {
                    return new BigDecimal(n.toString());
                }
                throw new CoercingParseValueException("a Decimal is a string such as \"49.90\"");
            }

            @Override
            public BigDecimal parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
                if (input instanceof StringValue s) {
                    return decimal(s.getValue(), CoercingParseLiteralException::new);
                }
                if (input instanceof IntValue i) {
                    return new BigDecimal(i.getValue());
                }
                throw new CoercingParseLiteralException("a Decimal is a string such as \"49.90\"");
            }
        }).build();

    static final GraphQLScalarType JSON = GraphQLScalarType.newScalar().name("JSON")
        .coercing(new Coercing<Object, Object>() {
            @Override
            public Object serialize(Object value, GraphQLContext context, Locale locale) {
                return value;
            }

            @Override
            public Object parseValue(Object input, GraphQLContext context, Locale locale) {
                return input;
            }

            @Override
            public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
                return literal(input);
            }
        }).build();

    private static Object literal(Value<?> v) {
        return switch (v) {
            case StringValue s -> s.getValue();
            case IntValue i -> i.getValue();
            case FloatValue f -> f.getValue();
            case BooleanValue b -> b.isValue();
            case NullValue n -> null;
            case ArrayValue a -> a.getValues().stream().map(Scalars::literal).toList();
            case ObjectValue o -> {
                Map<String, Object> map = new LinkedHashMap<>();
                o.getObjectFields().forEach(f -> map.put(f.getName(), literal(f.getValue())));
                yield map;
            }
            default -> throw new CoercingParseLiteralException("not JSON: " + v);
        };
    }

    static final List<GraphQLScalarType> ALL = List.of(DATE_TIME, DECIMAL, JSON);

    private static Instant parse(String text, Function<String, RuntimeException> error) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw error.apply("'" + text + "' is not an ISO-8601 instant such as 2026-11-26T12:00:00Z");
        }
    }

    private static BigDecimal decimal(String text, Function<String, RuntimeException> error) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw error.apply("'" + text + "' is not a decimal number such as \"49.90\"");
        }
    }
}
