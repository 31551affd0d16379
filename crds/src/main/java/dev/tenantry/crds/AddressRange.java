package dev.tenantry.crds;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IPv4 or IPv6 range such as {@code 10.88.0.1/32}, given as a literal (nothing is resolved):
 * the plan's egress ranges, owners' ipBlocks, the activator's node sources.
 */
public record AddressRange(byte[] network, int prefix) {

  /** The range {@code cidr} names; empty when it names none. */
  public static Optional<AddressRange> tryParse(String cidr) {
    try {
      return cidr == null ? Optional.empty() : Optional.of(parse(cidr));
    } catch (IllegalArgumentException notARange) {
      return Optional.empty();
    }
  }

  public static AddressRange parse(String cidr) {
    String text = cidr.trim();
    int slash = text.indexOf('/');
    String literal = slash < 0 ? text : text.substring(0, slash);
    if (!literal.matches("[0-9a-fA-F.:]+")) {
      throw new IllegalArgumentException("not an address range: " + cidr);
    }
    try {
      byte[] bytes = InetAddress.getByName(literal).getAddress();
      int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("prefix out of range: " + cidr);
      }
      return new AddressRange(bytes, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("not an address range: " + cidr, e);
    }
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress(), network.length * 8);
  }

  /** Whether every address of {@code other} lies in this range. */
  public boolean contains(AddressRange other) {
    return other.prefix >= prefix && contains(other.network, other.prefix);
  }

  private boolean contains(byte[] bytes, int otherPrefix) {
    if (bytes.length != network.length || otherPrefix < prefix) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      if (((bytes[bit / 8] ^ network[bit / 8]) >> (7 - bit % 8) & 1) != 0) {
        return false;
      }
    }
    return true;
  }
}
