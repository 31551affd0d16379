package dev.tenantry.runtime.graphql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Remembers each query text parsed and validated against the schema, so a client sending the
 * same document with other variables (as every client does) skips both; bounded by the total
 * length of the remembered queries, so large one-off queries cannot grow it without limit.
 */
public final class ParsedDocumentCache implements PreparsedDocumentProvider {
  private final Cache<String, PreparsedDocumentEntry> documents;

  public ParsedDocumentCache(long maxQueryCharacters) {
    this.documents = Caffeine.newBuilder()
        .maximumWeight(maxQueryCharacters)
        .weigher((String query, PreparsedDocumentEntry entry) -> query.length())
        .build();
  }

  @Override
  public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
      Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
    return CompletableFuture.completedFuture(documents.get(input.getQuery(), query -> parseAndValidate.apply(input)));
  }
}
