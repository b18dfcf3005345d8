package io.flowgate.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextSanitizerTest {

  @Test
  void plainTextStaysAsItIs() {
    assertThat(TextSanitizer.plain("Line 3 – Filling")).isEqualTo("Line 3 – Filling");
    assertThat(TextSanitizer.plain("Tom & Jerry")).isEqualTo("Tom & Jerry");
    assertThat(TextSanitizer.plain("a < b > c")).isEqualTo("a < b > c");
    assertThat(TextSanitizer.plain("Überwachung 温度 🏭")).isEqualTo("Überwachung 温度 🏭");
    assertThat(TextSanitizer.plain("  spaced   out  ")).isEqualTo("spaced out");
  }

  @Test
  void markupIsRemoved() {
    assertThat(TextSanitizer.plain("<script>alert(1)</script>Plant")).isEqualTo("Plant");
    assertThat(TextSanitizer.plain("<b>bold</b> <i>move</i>")).isEqualTo("bold move");
    assertThat(TextSanitizer.plain("<img src=x onerror=alert(1)>")).isEmpty();
    assertThat(TextSanitizer.plain("x<a href=\"javascript:alert(1)\">y</a>")).isEqualTo("xy");
  }

  @Test
  void encodedMarkupCannotComeBackAsATag() {
    assertThat(TextSanitizer.plain("&lt;script&gt;alert(1)&lt;/script&gt;ok")).isEqualTo("ok");
    assertThat(TextSanitizer.plain("&amp;lt;b&amp;gt;x")).doesNotContain("<b>");
  }

  @Test
  void controlCharactersAndBrokenSurrogatesGo() {
    assertThat(TextSanitizer.plain("a\u0000b\u0007c\nd")).isEqualTo("ab c d");
    assertThat(TextSanitizer.plain("x\uD800y")).isEqualTo("x\uFFFDy");
    assertThat(TextSanitizer.multiline("one\r\ntwo\u0000\tthree")).isEqualTo("one\ntwo\tthree");
  }

  @Test
  void nullStaysNull() {
    assertThat(TextSanitizer.plain(null)).isNull();
    assertThat(TextSanitizer.multiline(null)).isNull();
  }
}
