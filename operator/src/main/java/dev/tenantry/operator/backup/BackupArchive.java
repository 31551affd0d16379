package dev.tenantry.operator.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.crds.tenant.TenantSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The backup archive: one gzip stream whose first line is the {@link Manifest} (the Tenant's
 * spec and labels, the objects its owners made in the namespace) and whose remaining lines are
 * the runtime's event log exactly as it streamed it (its own header line, then the events). A
 * restore checks the stored bytes' SHA-256 and reads the archive to its end before it changes
 * anything.
 */
public final class BackupArchive {
  public static final String FORMAT = "tenantry.dev/tenant-backup/v1";
  private static final int MAX_LINE_BYTES = 64 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private BackupArchive() {}

  /** What a backup holds besides the event log. */
  public record Manifest(String format, String tenant, String backup, String createdAt, long eventPosition,
      Map<String, String> labels, TenantSpec spec, List<GenericKubernetesResource> objects) {}

  /** The archive could not be read as one; the message is meant for a condition. */
  public static final class ArchiveInvalid extends Exception {
    public ArchiveInvalid(String message) {
      super(message);
    }
  }

  /** Writes the archive: the manifest line, then the event log copied as it arrives. */
  public static void write(OutputStream out, Manifest manifest, InputStream eventLog) throws IOException {
    GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024);
    gzip.write(JSON.writeValueAsBytes(manifest));
    gzip.write('\n');
    eventLog.transferTo(gzip);
    gzip.finish();
  }

  /**
   * Reads a stored archive to its end: its SHA-256 must be {@code expectedSha256}, it must
   * decompress, and its event log must hold exactly the events the manifest promises.
   */
  public static Manifest verify(InputStream stored, String expectedSha256) throws ArchiveInvalid {
    MessageDigest sha256 = VolumeBackupStore.sha256();
    Manifest manifest;
    try (DigestInputStream digested = new DigestInputStream(stored, sha256);
        BufferedInputStream in = new BufferedInputStream(new GZIPInputStream(digested, 64 * 1024))) {
      manifest = manifest(in);
      String header = line(in);
      if (header == null) {
        throw new ArchiveInvalid("the archive holds no event log");
      }
      long events = 0;
      while (line(in) != null) {
        events++;
      }
      if (events != manifest.eventPosition()) {
        throw new ArchiveInvalid("the archive holds " + events + " events, its manifest promises "
            + manifest.eventPosition());
      }
      // what the gzip reader left unread still counts toward the checksum
      digested.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new ArchiveInvalid("the archive is corrupt or truncated: " + e.getMessage());
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (expectedSha256 != null && !expectedSha256.equals(actual)) {
      throw new ArchiveInvalid("the archive's SHA-256 is " + actual + ", the backup recorded " + expectedSha256
          + ": it changed after it was written");
    }
    return manifest;
  }

  /** An archive opened for a restore: its manifest, and its event log to stream on. */
  public record Opened(Manifest manifest, InputStream eventLog) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      eventLog.close();
    }
  }

  public static Opened open(InputStream stored) throws ArchiveInvalid {
    try {
      BufferedInputStream in = new BufferedInputStream(new GZIPInputStream(stored, 64 * 1024));
      return new Opened(manifest(in), in);
    } catch (IOException e) {
      throw new ArchiveInvalid("the archive cannot be opened: " + e.getMessage());
    }
  }

  private static Manifest manifest(BufferedInputStream in) throws IOException, ArchiveInvalid {
    String line = line(in);
    if (line == null) {
      throw new ArchiveInvalid("the archive is empty");
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new ArchiveInvalid("the archive's first line is not a manifest: " + e.getMessage());
    }
    if (!FORMAT.equals(node.path("format").asText())) {
      throw new ArchiveInvalid("unknown archive format '" + node.path("format").asText() + "', expected " + FORMAT);
    }
    return JSON.treeToValue(node, Manifest.class);
  }

  /** The next line without its newline, or null at the end; reads no byte past the newline. */
  private static String line(BufferedInputStream in) throws IOException, ArchiveInvalid {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      line.write(b);
      if (line.size() > MAX_LINE_BYTES) {
        throw new ArchiveInvalid("a line of the archive is longer than " + MAX_LINE_BYTES + " bytes");
      }
    }
    if (b == -1 && line.size() == 0) {
      return null;
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
