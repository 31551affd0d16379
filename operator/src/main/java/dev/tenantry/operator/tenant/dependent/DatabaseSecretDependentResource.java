package dev.tenantry.operator.tenant.dependent;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.kube.SecretData;
import dev.tenantry.operator.tenant.model.CredentialsModel;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The tenant's PostgreSQL credentials: a random password made once and kept; the database
 * dependent sets the role's password from this Secret.
 */
public final class DatabaseSecretDependentResource extends TenantKubernetesDependent<Secret> {

  private static final SecureRandom RANDOM = new SecureRandom();

  public DatabaseSecretDependentResource() {
    super(Secret.class, "database-secret", CredentialsModel.DATABASE_SECRET_NAME);
  }

  @Override
  protected Secret desired(Tenant tenant, Context<Tenant> context) {
    return model(context).credentials().databaseSecret(password(tenant, context).orElseGet(DatabaseSecretDependentResource::newPassword));
  }

  /** The password in the tenant's credentials Secret, if it exists. */
  public Optional<String> password(Tenant tenant, Context<Tenant> context) {
    return getSecondaryResource(tenant, context)
        .map(Secret::getData)
        .map(data -> data.get(CredentialsModel.DATABASE_PASSWORD_KEY))
        .map(SecretData::decode)
        .filter(p -> !p.isEmpty());
  }

  static String newPassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
