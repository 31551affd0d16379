package dev.tenantry.runtime.graphql;

import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.scalars.ExtendedScalars;
import org.springframework.boot.graphql.autoconfigure.GraphQlSourceBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;

/**
 * The Long scalar, limits that refuse over-deep or over-complex queries before they run, and a
 * cache of parsed and validated query documents.
 */
@Configuration(proxyBeanMethods = false)
public class GraphQlConfiguration {
  public static final int MAX_DEPTH = 8;
  public static final int MAX_COMPLEXITY = 250;
  /** Total characters of query text kept parsed: a few thousand typical queries. */
  static final long PARSED_QUERY_CHARACTERS = 4_000_000;

  @Bean
  RuntimeWiringConfigurer scalars() {
    return wiring -> wiring.scalar(ExtendedScalars.GraphQLLong);
  }

  @Bean
  MaxQueryDepthInstrumentation maxQueryDepth() {
    return new MaxQueryDepthInstrumentation(MAX_DEPTH);
  }

  @Bean
  MaxQueryComplexityInstrumentation maxQueryComplexity() {
    return new MaxQueryComplexityInstrumentation(MAX_COMPLEXITY);
  }

  @Bean
  GraphQlSourceBuilderCustomizer parsedDocumentCache() {
    ParsedDocumentCache cache = new ParsedDocumentCache(PARSED_QUERY_CHARACTERS);
    return builder -> builder.configureGraphQl(graphQl -> graphQl.preparsedDocumentProvider(cache));
  }
}
