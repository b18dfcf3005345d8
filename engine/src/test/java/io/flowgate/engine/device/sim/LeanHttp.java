package io.flowgate.engine.device.sim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A small HTTP/1.1 client for the simulated fleet: a fixed number of persistent connections, each
 * served by one thread that takes the next request from a shared queue, writes it and reads the
 * answer (with a length, or chunked). Ten thousand simulated agents share these connections, as a
 * load generator like wrk would, so the simulator costs a fraction of the engine it measures; the
 * JDK's HttpClient needed about half a millisecond of CPU per heartbeat for this.
 */
final class LeanHttp implements AutoCloseable {

  /** An answer: its status and body. */
  record Response(int status, String body) {}

  private record Call(
      String method,
      String path,
      String authorization,
      byte[] body,
      CompletableFuture<Response> answer) {}

  private static final Call STOP = new Call(null, null, null, null, null);
  private static final int TIMEOUT_MILLIS = 30_000;

  private final String host;
  private final int port;
  private final String pathPrefix;
  private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();

  LeanHttp(URI base, int connections) {
    if (!"http".equals(base.getScheme())) {
      throw new IllegalArgumentException("only http: " + base);
    }
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.pathPrefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/$", "");
    for (int i = 0; i < connections; i++) {
      threads.add(
          Thread.ofPlatform().name("device-simulator-http-" + i).daemon().start(this::serve));
    }
  }

  /** Queues a request; the answer completes when it is read (or failed). */
  CompletableFuture<Response> send(String method, String path, String authorization, byte[] body) {
    CompletableFuture<Response> answer = new CompletableFuture<>();
    calls.add(new Call(method, path, authorization, body, answer));
    return answer;
  }

  private void serve() {
    Connection connection = null;
    try {
      while (true) {
        Call call = calls.take();
        if (call == STOP) {
          break;
        }
        try {
          if (connection == null) {
            connection = new Connection();
          }
          Response response;
          try {
            response = connection.exchange(call);
          } catch (IOException stale) {
            // the server may have closed a kept-alive connection: once more on a new one
            connection.close();
            connection = new Connection();
            response = connection.exchange(call);
          }
          if (connection.closeAfter) {
            connection.close();
            connection = null;
          }
          call.answer().complete(response);
        } catch (IOException | RuntimeException e) {
          if (connection != null) {
            connection.close();
            connection = null;
          }
          call.answer().completeExceptionally(e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (connection != null) {
        connection.close();
      }
    }
  }

  @Override
  public void close() {
    threads.forEach(thread -> calls.add(STOP));
    for (Call left; (left = calls.poll()) != null; ) {
      if (left != STOP) {
        left.answer().completeExceptionally(new IOException("the simulator stopped"));
      }
    }
    threads.forEach(Thread::interrupt);
  }

  /** One persistent connection. */
  private final class Connection {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    boolean closeAfter;

    Connection() throws IOException {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 10_000);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    Response exchange(Call call) throws IOException {
      StringBuilder head = new StringBuilder(256);
      head.append(call.method())
          .append(' ')
          .append(pathPrefix)
          .append(call.path())
          .append(" HTTP/1.1\r\nHost: ")
          .append(host)
          .append(':')
          .append(port)
          .append("\r\n");
      if (call.authorization() != null) {
        head.append("Authorization: ").append(call.authorization()).append("\r\n");
      }
      if (call.body() != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ")
            .append(call.body().length)
            .append("\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      if (call.body() != null) {
        out.write(call.body());
      }
      out.flush();
      String status = line();
      if (status == null) {
        throw new EOFException("the connection closed before an answer");
      }
      int code = Integer.parseInt(status.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      for (String header; !(header = line()).isEmpty(); ) {
        int colon = header.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> closeAfter = value.equalsIgnoreCase("close");
          default -> {}
        }
      }
      byte[] body;
      if (chunked) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
          all.write(in.readNBytes(size));
          line();
        }
        while (!line().isEmpty()) {
          // trailers
        }
        body = all.toByteArray();
      } else if (length >= 0) {
        body = in.readNBytes((int) length);
        if (body.length < length) {
          throw new EOFException("the answer ended early");
        }
      } else {
        body = in.readAllBytes();
        closeAfter = true;
      }
      return new Response(code, new String(body, StandardCharsets.UTF_8));
    }

    /** One header line without its CRLF; null at the end of the stream before any byte. */
    private String line() throws IOException {
      StringBuilder line = new StringBuilder(64);
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          int end = line.length();
          return end > 0 && line.charAt(end - 1) == '\r'
              ? line.substring(0, end - 1)
              : line.toString();
        }
        line.append((char) b);
      }
      if (line.isEmpty()) {
        return null;
      }
      throw new EOFException("the connection closed in the middle of a line");
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
