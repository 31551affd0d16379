package dev.tenantry.runtime;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the tenant-runtime. */
@SpringBootApplication
public class TenantRuntimeApplication {
  public static void main(String[] args) {
    SpringApplication.run(TenantRuntimeApplication.class, args);
  }
}
