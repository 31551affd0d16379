package dev.tenantry.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {

  @Test
  void aRangeHoldsItsAddressesAndNarrowerRangesOnly() throws Exception {
    AddressRange range = AddressRange.parse("203.0.113.0/24");
    assertThat(range.contains(InetAddress.getByName("203.0.113.200"))).isTrue();
    assertThat(range.contains(InetAddress.getByName("203.0.114.1"))).isFalse();
    assertThat(range.contains(AddressRange.parse("203.0.113.16/28"))).isTrue();
    assertThat(range.contains(AddressRange.parse("203.0.0.0/16"))).as("wider").isFalse();
    assertThat(AddressRange.parse("0.0.0.0/0").contains(AddressRange.parse("169.254.169.254/32"))).isTrue();
    assertThat(range.contains(AddressRange.parse("2001:db8::/32"))).as("another family").isFalse();
    assertThat(AddressRange.parse("10.88.0.1").contains(InetAddress.getByName("10.88.0.1"))).isTrue();
  }

  @Test
  void namesAndMalformedRangesAreNotRanges() {
    assertThat(AddressRange.tryParse("metadata.google.internal/32")).isEmpty();
    assertThat(AddressRange.tryParse("10.0.0.0/33")).isEmpty();
    assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
  }
}
