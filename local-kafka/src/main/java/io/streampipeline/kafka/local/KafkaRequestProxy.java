package io.streampipeline.kafka.local;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy in front of a {@link LocalKafkaBroker}'s plaintext listener that reads the Kafka requests clients
 * send, to act at a precise moment of the protocol rather than after a sleep: right after a transaction's
 * {@code EndTxn} request (a commit or abort) has reached the broker, or instead of it. The broker advertises the
 * proxy's port ({@link LocalKafkaBroker#startBehind}), so every client connection goes through it. Responses are
 * copied unread.
 *
 * <p>A request is a 4-byte size followed by its header, whose first field is the 2-byte API key (Kafka's protocol
 * guide); {@code EndTxn} is API key 26.
 */
public final class KafkaRequestProxy implements AutoCloseable {

  /** The API key of {@code EndTxn}. */
  static final short END_TXN = 26;

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRequestProxy.class);

  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Runnable> afterNextEndTxn = new AtomicReference<>();
  private volatile CompletableFuture<Void> refusing;
  private volatile int target;
  private volatile boolean closed;

  private KafkaRequestProxy(ServerSocket server) {
    this.server = server;
  }

  /** A proxy listening on a free port of localhost; it accepts connections once {@link #forwardTo} is called. */
  public static KafkaRequestProxy listen() {
    try {
      return new KafkaRequestProxy(new ServerSocket(0, 50, InetAddress.getByName("localhost")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the proxy's port", e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** Starts forwarding every connection to the broker's listener on {@code brokerPort} of localhost. */
  void forwardTo(int brokerPort) {
    target = brokerPort;
    Thread acceptor = new Thread(this::accept, "kafka-proxy-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Runs {@code action} once, on the proxy's thread, right after the next {@code EndTxn} request has been passed
   * to the broker and before its response comes back: the moment a transaction is being committed.
   */
  public void afterNextEndTxn(Runnable action) {
    afterNextEndTxn.set(action);
  }

  /**
   * From now until {@link #allowEndTxn()}, every {@code EndTxn} request closes its connection instead of reaching
   * the broker: transactions stay open at the broker, as if their committer had died before committing.
   *
   * @return completes when the first {@code EndTxn} has been refused
   */
  public CompletableFuture<Void> refuseEndTxn() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    refusing = first;
    return first;
  }

  /** Lets {@code EndTxn} requests through again. */
  public void allowEndTxn() {
    refusing = null;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      LOG.debug("closing the proxy's port", e);
    }
    sockets.forEach(KafkaRequestProxy::closeQuietly);
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket broker;
        try {
          broker = new Socket("localhost", target);
        } catch (IOException brokerDown) {
          // The broker is down (killed): the client sees a closed connection, as it would with no proxy.
          closeQuietly(client);
          continue;
        }
        client.setTcpNoDelay(true);
        broker.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(broker);
        start("requests", () -> pumpRequests(client, broker));
        start("responses", () -> pumpResponses(broker, client));
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("Kafka proxy on port {} cannot accept connections", port(), e);
        }
        return;
      }
    }
  }

  private void start(String what, Runnable pump) {
    Thread thread = new Thread(pump, "kafka-proxy-" + port() + "-" + what);
    thread.setDaemon(true);
    thread.start();
  }

  private void pumpRequests(Socket client, Socket broker) {
    try (DataInputStream in = new DataInputStream(client.getInputStream());
        DataOutputStream out = new DataOutputStream(broker.getOutputStream())) {
      while (true) {
        int size = in.readInt();
        byte[] request = new byte[size];
        in.readFully(request);
        boolean endTxn = size >= 2 && ByteBuffer.wrap(request).getShort() == END_TXN;
        CompletableFuture<Void> refused = refusing;
        if (endTxn && refused != null) {
          if (refused.complete(null)) {
            LOG.info("Kafka proxy on port {}: EndTxn refused, closing its connection (and those of the EndTxns"
                + " after it)", port());
          }
          return;
        }
        out.writeInt(size);
        out.write(request);
        out.flush();
        Runnable action = endTxn ? afterNextEndTxn.getAndSet(null) : null;
        if (action != null) {
          LOG.info("Kafka proxy on port {}: EndTxn passed to the broker, acting", port());
          action.run();
        }
      }
    } catch (EOFException | java.net.SocketException ended) {
      // One side closed the connection (or the broker was killed): close the other.
    } catch (IOException e) {
      LOG.debug("Kafka proxy connection ended", e);
    } finally {
      closeBoth(client, broker);
    }
  }

  private void pumpResponses(Socket broker, Socket client) {
    try (InputStream in = broker.getInputStream(); OutputStream out = client.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException ended) {
      // As above.
    } finally {
      closeBoth(client, broker);
    }
  }

  private void closeBoth(Socket client, Socket broker) {
    closeQuietly(client);
    closeQuietly(broker);
    sockets.remove(client);
    sockets.remove(broker);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("closing a proxied socket", e);
    }
  }
}
