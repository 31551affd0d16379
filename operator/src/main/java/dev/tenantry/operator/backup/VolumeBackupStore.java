package dev.tenantry.operator.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Archives as files on a volume of the platform namespace (the default store). An archive is
 * written under a temporary name and moved into place once complete, so a crash mid-write
 * never leaves a half archive under the real name.
 */
public final class VolumeBackupStore implements BackupStore {
  private final Path root;

  public VolumeBackupStore(Path root) {
    this.root = root;
  }

  @Override
  public Stored write(String key, ArchiveWriter writer) throws BackupStoreException {
    Path target = path(key);
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      Files.createDirectories(target.getParent());
      MessageDigest sha256 = sha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha256)) {
        writer.writeTo(out);
      }
      long size = Files.size(partial);
      move(partial, target);
      return new Stored(location(key), size, HexFormat.of().formatHex(sha256.digest()));
    } catch (IOException e) {
      throw new BackupStoreException("the backup volume " + root + " refused the archive: " + e, e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // a later try of the same backup overwrites it
      }
    }
  }

  @Override
  public InputStream open(String key) throws BackupStoreException {
    try {
      return Files.newInputStream(path(key));
    } catch (NoSuchFileException e) {
      throw new BackupStoreException("the archive " + location(key) + " is missing from the backup volume");
    } catch (IOException e) {
      throw new BackupStoreException("the backup volume " + root + " cannot be read: " + e, e);
    }
  }

  @Override
  public void delete(String key) throws BackupStoreException {
    try {
      Files.deleteIfExists(path(key));
    } catch (IOException e) {
      throw new BackupStoreException("the backup volume " + root + " refused to delete " + key + ": " + e, e);
    }
  }

  @Override
  public String location(String key) {
    return "volume:" + key;
  }

  private Path path(String key) throws BackupStoreException {
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root.normalize())) {
      throw new BackupStoreException("archive key '" + key + "' leaves the backup volume");
    }
    return path;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
