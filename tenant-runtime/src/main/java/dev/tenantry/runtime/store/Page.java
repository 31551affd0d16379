package dev.tenantry.runtime.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of a list in creation order, and the opaque cursor of the next page (null on the
 * last page).
 */
public record Page<T>(List<T> items, String nextCursor) {
  public static final int DEFAULT_SIZE = 50;
  public static final int MAX_SIZE = 200;

  /** A row read with its position in creation order. */
  public record Row<T>(T item, long position) {}

  /** From {@code size + 1} rows: the extra row only tells that another page exists. */
  public static <T> Page<T> of(List<Row<T>> rows, int size) {
    boolean more = rows.size() > size;
    List<Row<T>> page = more ? rows.subList(0, size) : rows;
    String next = more ? encode(page.get(page.size() - 1).position()) : null;
    return new Page<>(page.stream().map(Row::item).toList(), next);
  }

  public static int size(int requested) {
    if (requested == 0) {
      return DEFAULT_SIZE;
    }
    if (requested < 0 || requested > MAX_SIZE) {
      throw new DomainException.Invalid("limit", "must be between 1 and " + MAX_SIZE);
    }
    return requested;
  }

  static String encode(long position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("c" + position).getBytes(StandardCharsets.UTF_8));
  }

  public static long decode(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return 0;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!raw.startsWith("c")) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(raw.substring(1));
    } catch (IllegalArgumentException e) {
      throw new DomainException.Invalid("cursor", "not a cursor this API issued");
    }
  }
}
