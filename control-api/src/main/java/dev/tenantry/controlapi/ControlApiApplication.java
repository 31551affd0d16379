package dev.tenantry.controlapi;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the control API: the admins' API and console over the Tenant resources. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ControlApiApplication {
  public static void main(String[] args) {
    SpringApplication.run(ControlApiApplication.class, args);
  }
}
