package dev.tenantry.operator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code operator.jar}. */
public final class TenantryOperator {
  private static final Logger LOG = LoggerFactory.getLogger(TenantryOperator.class);

  private TenantryOperator() {}

  public static void main(String[] args) {
    OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
    LOG.info("tenantry operator configured for platform namespace {}", config.platformNamespace());
  }
}
