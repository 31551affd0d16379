package dev.tenantry.operator.backup;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where backups go and how long their steps may take.
 *
 * @param directory the platform volume that holds the archives (the default store)
 * @param runtimeTimeout the longest a runtime may take to stream or load an event log
 * @param tenantWait how long a backup waits for its tenant, or a restore for the tenant it
 *     made, to be Ready before it fails
 */
public record BackupSettings(Path directory, Duration runtimeTimeout, Duration tenantWait) {
  public static final String DEFAULT_DIRECTORY = "/var/lib/tenantry/backups";
}
