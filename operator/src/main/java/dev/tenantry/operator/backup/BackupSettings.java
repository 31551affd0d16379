package dev.tenantry.operator.backup;

import dev.tenantry.operator.backup.S3BackupStore.S3Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where backups go and how long their steps may take.
 *
 * @param directory the platform volume that holds the archives (the default store)
 * @param s3 an S3-compatible bucket instead, when configured
 * @param runtimeTimeout the longest a runtime may take to stream or load an event log
 * @param tenantWait how long a backup waits for its tenant, or a restore for the tenant it
 *     made, to be Ready before it fails
 */
public record BackupSettings(Path directory, Optional<S3Settings> s3, Duration runtimeTimeout, Duration tenantWait) {
  public static final String DEFAULT_DIRECTORY = "/var/lib/tenantry/backups";

  /** The configured store: the S3 bucket if one is set, else the volume. */
  public BackupStore store() {
    return s3.<BackupStore>map(S3BackupStore::connect).orElseGet(() -> new VolumeBackupStore(directory));
  }

  /** The S3 settings from {@code TENANTRY_BACKUP_S3_*}; empty without a bucket. */
  public static Optional<S3Settings> s3FromEnvironment(java.util.Map<String, String> env) {
    String bucket = env.getOrDefault("TENANTRY_BACKUP_S3_BUCKET", "");
    if (bucket.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new S3Settings(
        env.getOrDefault("TENANTRY_BACKUP_S3_ENDPOINT", ""),
        bucket,
        env.getOrDefault("TENANTRY_BACKUP_S3_REGION", "us-east-1"),
        Boolean.parseBoolean(env.getOrDefault("TENANTRY_BACKUP_S3_PATH_STYLE", "false")),
        env.getOrDefault("TENANTRY_BACKUP_S3_PREFIX", ""),
        env.getOrDefault("TENANTRY_BACKUP_S3_ACCESS_KEY_ID", ""),
        env.getOrDefault("TENANTRY_BACKUP_S3_SECRET_ACCESS_KEY", "")));
  }
}
