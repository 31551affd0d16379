package dev.tenantry.runtime.graphql;

import dev.tenantry.runtime.events.EventBus;
import dev.tenantry.runtime.store.DomainException;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.AbortExecutionException;
import graphql.schema.DataFetchingEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.stereotype.Component;

/** Domain errors as GraphQL errors: a classification, and the offending field in {@code extensions.field}. */
@Component
public class GraphQlErrors extends DataFetcherExceptionResolverAdapter {

  @Override
  protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
    Map<String, Object> extensions = new LinkedHashMap<>();
    ErrorType type;
    if (ex instanceof DomainException.NotFound) {
      type = ErrorType.NOT_FOUND;
      extensions.put("code", "NOT_FOUND");
    } else if (ex instanceof DomainException.Invalid invalid) {
      type = ErrorType.BAD_REQUEST;
      extensions.put("code", "INVALID_ARGUMENT");
      extensions.put("field", invalid.field());
    } else if (ex instanceof DomainException.Conflict conflict) {
      type = ErrorType.BAD_REQUEST;
      extensions.put("code", "CONFLICT");
      if (conflict.currentVersion() != null) {
        extensions.put("currentVersion", conflict.currentVersion());
      }
    } else if (ex instanceof EventBus.SlowConsumerException) {
      type = ErrorType.INTERNAL_ERROR;
      extensions.put("code", "SLOW_CONSUMER");
    } else if (ex instanceof AbortExecutionException) {
      // the client went away mid-request (graphql-java cancels the execution): resolved here so
      // it is not logged as an unresolved error with a stack trace for every dropped connection
      type = ErrorType.INTERNAL_ERROR;
      extensions.put("code", "ABORTED");
    } else {
      return null;
    }
    extensions.put("classification", type.name());
    return GraphqlErrorBuilder.newError(env).errorType(type).message(ex.getMessage()).extensions(extensions).build();
  }
}
