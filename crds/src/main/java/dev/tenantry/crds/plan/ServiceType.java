package dev.tenantry.crds.plan;

/** The Service types a plan may allow its tenants' own Services to use. */
public enum ServiceType {
  ClusterIP,
  NodePort,
  LoadBalancer,
  ExternalName
}
