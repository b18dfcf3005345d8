package io.flowgate.engine.web;

import java.text.Normalizer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.parser.Parser;
import org.jsoup.safety.Safelist;

/**
 * Free text that a page or form may show (names, descriptions, comments) goes through here before
 * it is stored: markup is removed with jsoup's {@link Safelist#none()}, so what is stored is plain
 * text that no page can mistake for HTML. Entities are decoded again ({@code Tom &amp; Jerry} stays
 * {@code Tom & Jerry}), and cleaning repeats until nothing changes, so encoded markup such as
 * {@code &lt;script&gt;} cannot come back as a tag. Control characters go too (PostgreSQL refuses
 * NUL, and terminals and logs misread the rest).
 */
public final class TextSanitizer {

  private static final Document.OutputSettings OUTPUT =
      new Document.OutputSettings().prettyPrint(false);
  private static final int MAX_ROUNDS = 8;

  private TextSanitizer() {}

  /** One line of plain text: markup and control characters removed, blanks collapsed, trimmed. */
  public static String plain(String text) {
    if (text == null) {
      return null;
    }
    String stripped = stripMarkup(text).replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]", " ");
    return stripped.replaceAll("\\s+", " ").strip();
  }

  /** Plain text that keeps its line breaks and tabs (descriptions, comments). */
  public static String multiline(String text) {
    if (text == null) {
      return null;
    }
    String unified = text.replace("\r\n", "\n").replace('\r', '\n');
    String stripped = stripMarkup(unified).replaceAll("[\\p{Cc}&&[^\\n\\t]]", "");
    return stripped.strip();
  }

  private static String stripMarkup(String text) {
    String current = Normalizer.normalize(text, Normalizer.Form.NFC);
    // unpaired surrogates cannot be stored as UTF-8
    current = current.replaceAll("\\p{Cs}", "\uFFFD");
    for (int round = 0; round < MAX_ROUNDS; round++) {
      String cleaned = Jsoup.clean(current, "", Safelist.none(), OUTPUT);
      String next = Parser.unescapeEntities(cleaned, false);
      if (next.equals(current)) {
        return next;
      }
      current = next;
    }
    // still changing after many rounds: keep the escaped form, which is inert
    return Jsoup.clean(current, "", Safelist.none(), OUTPUT);
  }
}
