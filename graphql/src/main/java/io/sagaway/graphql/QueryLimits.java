package io.sagaway.graphql;

import graphql.ExecutionResult;
import graphql.analysis.QueryTraverser;
import graphql.analysis.QueryVisitorFieldEnvironment;
import graphql.analysis.QueryVisitorStub;
import graphql.execution.AbortExecutionException;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;

/**
 * Depth and complexity limits, checked before an operation runs. Introspection (the fields under
 * {@code __schema} and {@code __type}) has limits of its own: the standard introspection queries
 * of graphql-js, GraphiQL and the tools built on them nest type references about 15 levels deep
 * and select a few hundred fields, more than any query of the API needs, yet they must pass, or
 * no tool can load the schema. A made-up deeper or wider one is still refused.
 */
final class QueryLimits extends SimplePerformantInstrumentation {

    /** Deepest selection an introspection field may reach: the standard queries nest 15 levels, with room for newer ones. */
    static final int INTROSPECTION_MAX_DEPTH = 20;
    /** Most introspection fields in one operation: the standard queries with every option select under 200. */
    static final int INTROSPECTION_MAX_COMPLEXITY = 500;

    private final SagawayGraphQL.Limits limits;

    QueryLimits(SagawayGraphQL.Limits limits) {
        this.limits = limits;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
                                                                        InstrumentationState state) {
        ExecutionContext context = parameters.getExecutionContext();
        Tally tally = new Tally();
        QueryTraverser.newQueryTraverser()
            .schema(context.getGraphQLSchema())
            .document(context.getDocument())
            .operationName(context.getExecutionInput().getOperationName())
            .coercedVariables(context.getCoercedVariables())
            .build()
            .visitPreOrder(tally);
        check("query depth", tally.apiDepth, limits.maxDepth());
        check("query complexity", tally.apiFields, limits.maxComplexity());
        check("introspection depth", tally.introspectionDepth, INTROSPECTION_MAX_DEPTH);
        check("introspection complexity", tally.introspectionFields, INTROSPECTION_MAX_COMPLEXITY);
        return SimpleInstrumentationContext.noOp();
    }

    private static void check(String what, int found, int limit) {
        if (found > limit) {
            throw new AbortExecutionException("maximum " + what + " exceeded " + found + " > " + limit);
        }
    }

    /** Depth and field count of an operation, the API's fields apart from introspection's. */
    private static final class Tally extends QueryVisitorStub {
        int apiDepth;
        int apiFields;
        int introspectionDepth;
        int introspectionFields;

        @Override
        public void visitField(QueryVisitorFieldEnvironment env) {
            if (env.isTypeNameIntrospectionField()) {
                return;
            }
            int depth = 1;
            QueryVisitorFieldEnvironment top = env;
            while (top.getParentEnvironment() != null) {
                top = top.getParentEnvironment();
                depth++;
            }
            String root = top.getField().getName();
            if (root.equals("__schema") || root.equals("__type")) {
                introspectionDepth = Math.max(introspectionDepth, depth);
                introspectionFields++;
            } else {
                apiDepth = Math.max(apiDepth, depth);
                apiFields++;
            }
        }
    }
}
