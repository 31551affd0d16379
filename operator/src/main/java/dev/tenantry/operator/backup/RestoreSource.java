package dev.tenantry.operator.backup;

import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.operator.backup.BackupArchive.ArchiveInvalid;
import dev.tenantry.operator.backup.BackupArchive.Manifest;
import dev.tenantry.operator.backup.BackupStore.BackupStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** A backup's archive as a restore reads it from the store: checked to its end, its manifest, its event log. */
final class RestoreSource {

  private final BackupStore store;
  private final TenantBackup backup;

  RestoreSource(BackupStore store, TenantBackup backup) {
    this.store = store;
    this.backup = backup;
  }

  /** Reads the whole archive against the checksum the backup recorded. */
  Manifest verify() throws ArchiveInvalid, BackupStoreException, IOException {
    try (InputStream archive = store.open(key())) {
      return BackupArchive.verify(archive, backup.getStatus().getSha256());
    }
  }

  /** The archive's first line: what it holds besides the event log. */
  Manifest manifest() throws ArchiveInvalid, BackupStoreException, IOException {
    try (BackupArchive.Opened opened = BackupArchive.open(store.open(key()))) {
      return opened.manifest();
    }
  }

  /** The archive's event log, opened afresh for each attempt to send it. */
  InputStream eventLog() {
    try {
      return BackupArchive.open(store.open(key())).eventLog();
    } catch (ArchiveInvalid | BackupStoreException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }

  private String key() {
    return TenantBackupReconciler.archiveKey(backup.getSpec().getTenant(), backup.getMetadata().getName());
  }
}
