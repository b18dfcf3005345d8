package io.flowgate.engine.file;

import java.util.Locale;

/** Sizes as people read them in messages: "1.5 GiB (1610612736 bytes)". */
final class Bytes {

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

  private Bytes() {}

  static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s (%d bytes)", value, UNITS[unit], bytes);
  }
}
