package dev.tenantry.controlapi;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the control-api. */
@SpringBootApplication
public class ControlApiApplication {
  public static void main(String[] args) {
    SpringApplication.run(ControlApiApplication.class, args);
  }
}
