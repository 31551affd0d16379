package dev.tenantry.operator.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Archives as objects of an S3-compatible bucket (AWS SDK v2). An archive is written to a
 * local temporary file first (S3 wants its length), hashed on the way, then put in one request,
 * so the bucket never holds half an archive under the real key.
 */
public final class S3BackupStore implements BackupStore, AutoCloseable {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  S3BackupStore(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null || prefix.isBlank() ? "" : prefix.replaceAll("/+$", "") + "/";
  }

  /** A client for {@code settings}: its endpoint (any S3-compatible server), region, path style and keys. */
  public static S3BackupStore connect(S3Settings settings) {
    var builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.of(settings.region()))
        .forcePathStyle(settings.pathStyle())
        .credentialsProvider(settings.accessKeyId().isBlank() ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(),
                settings.secretAccessKey())));
    if (!settings.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    return new S3BackupStore(builder.build(), settings.bucket(), settings.prefix());
  }

  /**
   * Where and how to reach the bucket.
   *
   * @param endpoint an S3-compatible server's URL; empty: AWS's own for the region
   * @param accessKeyId empty: the SDK's default chain (environment, web identity, instance role)
   */
  public record S3Settings(String endpoint, String bucket, String region, boolean pathStyle, String prefix,
      String accessKeyId, String secretAccessKey) {}

  @Override
  public Stored write(String key, ArchiveWriter writer) throws BackupStoreException {
    Path staged = null;
    try {
      staged = Files.createTempFile("tenantry-backup-", ".tnb.gz");
      MessageDigest sha256 = VolumeBackupStore.sha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(staged), sha256)) {
        writer.writeTo(out);
      }
      long size = Files.size(staged);
      s3.putObject(put -> put.bucket(bucket).key(prefix + key).contentType("application/gzip"),
          RequestBody.fromFile(staged));
      return new Stored(location(key), size, HexFormat.of().formatHex(sha256.digest()));
    } catch (SdkException e) {
      throw new BackupStoreException("the S3 store (bucket " + bucket + ") refused the archive: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BackupStoreException("the archive could not be staged for S3: " + e, e);
    } finally {
      if (staged != null) {
        try {
          Files.deleteIfExists(staged);
        } catch (IOException ignored) {
          // a temporary file; the next start's tmp is empty
        }
      }
    }
  }

  @Override
  public InputStream open(String key) throws BackupStoreException {
    try {
      return s3.getObject(get -> get.bucket(bucket).key(prefix + key));
    } catch (NoSuchKeyException e) {
      throw new BackupStoreException("the archive " + location(key) + " is missing from the S3 store");
    } catch (SdkException e) {
      throw new BackupStoreException("the S3 store (bucket " + bucket + ") cannot be read: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) throws BackupStoreException {
    try {
      s3.deleteObject(delete -> delete.bucket(bucket).key(prefix + key));
    } catch (SdkException e) {
      throw new BackupStoreException("the S3 store (bucket " + bucket + ") refused to delete " + key + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String location(String key) {
    return "s3://" + bucket + "/" + prefix + key;
  }

  @Override
  public void close() {
    s3.close();
  }
}
