package io.flowgate.connectors.nodered;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Tells whether a URL serves a Node-RED editor, not just any page that answers 200 (a proxy's
 * placeholder, another app on a reused port, a login wall).
 *
 * <p>Node-RED renders its editor from {@code @node-red/editor-client/templates/index.mst}: an empty
 * {@code <div id="red-ui-editor">} filled by {@code red/red(.min).js} and {@code
 * red/main(.min).js}, after {@code vendor/vendor.js}. Themes may change the title, icons and add
 * scripts, but not these, so the probe requires the div and both editor scripts. The title is only
 * reported.
 */
public final class EditorProbe implements AutoCloseable {

  /** Pages beyond this are not an editor page (Node-RED's is ~2 KB); stop reading there. */
  private static final int MAX_PAGE_BYTES = 512 * 1024;

  private static final Pattern RED_SCRIPT = Pattern.compile("(^|/)red/red(\\.min)?\\.js(\\?.*)?$");
  private static final Pattern MAIN_SCRIPT =
      Pattern.compile("(^|/)red/main(\\.min)?\\.js(\\?.*)?$");
  private static final Pattern VENDOR_SCRIPT = Pattern.compile("(^|/)vendor/vendor\\.js(\\?.*)?$");

  private final Duration timeout;
  private final HttpClient http;

  public EditorProbe() {
    this(Duration.ofSeconds(3));
  }

  /**
   * @param timeout connect timeout and answer timeout of one probe
   */
  public EditorProbe(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Probes once; never throws for a missing or wrong server, the result says what answered. */
  public ProbeResult probe(URI editorUrl) {
    HttpRequest request =
        HttpRequest.newBuilder(editorUrl).timeout(timeout).header("Accept", "text/html").build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      return new ProbeResult(
          false,
          0,
          "no answer from "
              + editorUrl
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ProbeResult(false, 0, "interrupted while probing " + editorUrl);
    }
    int status = response.statusCode();
    String html;
    try (InputStream body = response.body()) {
      if (status != 200) {
        return new ProbeResult(false, status, "HTTP " + status + " from " + editorUrl);
      }
      html = new String(body.readNBytes(MAX_PAGE_BYTES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new ProbeResult(false, status, "page could not be read: " + e.getMessage());
    }
    return judge(Jsoup.parse(html, response.uri().toString()), status);
  }

  private static ProbeResult judge(Document page, int status) {
    boolean editorDiv = page.getElementById("red-ui-editor") != null;
    boolean redScript = false;
    boolean mainScript = false;
    boolean vendorScript = false;
    for (Element script : page.select("script[src]")) {
      String src = script.attr("src");
      redScript |= RED_SCRIPT.matcher(src).find();
      mainScript |= MAIN_SCRIPT.matcher(src).find();
      vendorScript |= VENDOR_SCRIPT.matcher(src).find();
    }
    List<String> missing = new ArrayList<>();
    if (!editorDiv) {
      missing.add("#red-ui-editor");
    }
    if (!redScript) {
      missing.add("red/red.min.js");
    }
    if (!mainScript) {
      missing.add("red/main.min.js");
    }
    String title = page.title().isBlank() ? "(no title)" : "'" + page.title().strip() + "'";
    if (missing.isEmpty()) {
      return new ProbeResult(
          true,
          status,
          "Node-RED editor "
              + title
              + (vendorScript ? " with vendor/vendor.js" : " without vendor/vendor.js"));
    }
    return new ProbeResult(
        false,
        status,
        "not a Node-RED editor " + title + ": missing " + String.join(", ", missing));
  }

  @Override
  public void close() {
    http.close();
  }
}
