package dev.tenantry.operator.admission;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** An IPv4 or IPv6 address range, to tell whether one range lies inside another. */
record Cidr(byte[] address, int prefix) {

  /** The range {@code text} names ({@code a.b.c.d/n} or {@code x::y/n}); empty when it is not one. */
  static Optional<Cidr> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    String literal = slash < 0 ? text : text.substring(0, slash);
    // a literal only: InetAddress would otherwise resolve a name
    if (!literal.matches("[0-9a-fA-F.:]+")) {
      return Optional.empty();
    }
    try {
      byte[] bytes = InetAddress.getByName(literal).getAddress();
      int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
      return prefix < 0 || prefix > bytes.length * 8 ? Optional.empty() : Optional.of(new Cidr(bytes, prefix));
    } catch (UnknownHostException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether every address of {@code other} is in this range. */
  boolean contains(Cidr other) {
    if (other.address.length != address.length || other.prefix < prefix) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      if (bit(address, bit) != bit(other.address, bit)) {
        return false;
      }
    }
    return true;
  }

  private static int bit(byte[] bytes, int index) {
    return (bytes[index / 8] >> (7 - index % 8)) & 1;
  }
}
