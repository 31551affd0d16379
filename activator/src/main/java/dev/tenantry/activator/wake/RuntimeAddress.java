package dev.tenantry.activator.wake;

/** Where a ready runtime pod answers: its IP and the ports its container names {@code http} and {@code grpc}. */
public record RuntimeAddress(String host, int httpPort, int grpcPort) {}
