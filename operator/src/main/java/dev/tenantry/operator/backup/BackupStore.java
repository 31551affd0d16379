package dev.tenantry.operator.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Where backup archives are kept: written once, read by restores, deleted with their TenantBackup. */
public interface BackupStore {

  /** Writes the archive {@code key}, replacing one left by an earlier try, and tells what was stored. */
  Stored write(String key, ArchiveWriter writer) throws BackupStoreException;

  /** Opens the archive {@code key} as stored. */
  InputStream open(String key) throws BackupStoreException;

  /** Deletes the archive {@code key}; no error if it is gone already. */
  void delete(String key) throws BackupStoreException;

  /** How {@code key} is shown in a backup's {@code status.location}. */
  String location(String key);

  /** Writes an archive's bytes. */
  @FunctionalInterface
  interface ArchiveWriter {
    void writeTo(OutputStream out) throws IOException, BackupStoreException;
  }

  /** What was stored: the size and SHA-256 (hex) of the archive's bytes. */
  record Stored(String location, long sizeBytes, String sha256) {}

  /** The store could not be reached or refused; the message is meant for a condition. */
  final class BackupStoreException extends Exception {
    public BackupStoreException(String message, Throwable cause) {
      super(message, cause);
    }

    public BackupStoreException(String message) {
      super(message);
    }
  }
}
