package dev.tenantry.runtime.project;

import java.util.UUID;

/** A project of the work tracker, as clients see it. */
public record Project(UUID id, String name, boolean archived, int version) {}
