package dev.tenantry.runtime.graphql;

import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.scalars.ExtendedScalars;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;

/** The Long scalar, and limits that refuse over-deep or over-complex queries before they run. */
@Configuration(proxyBeanMethods = false)
public class GraphQlConfiguration {
  public static final int MAX_DEPTH = 8;
  public static final int MAX_COMPLEXITY = 250;

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
}
