package io.sagaway.stack;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a port, in the service's own protocol, whether that service answers there. A port that
 * accepts connections but does not speak the protocol is {@link Answer#FOREIGN}: we neither
 * reuse it nor start over it.
 */
final class Probe {

    enum Answer { ANSWERS, FREE, FOREIGN }

    private static final int TIMEOUT_MS = 1500;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(TIMEOUT_MS)).build();

    private Probe() {
    }

    static Answer probe(ServiceKind kind, int port) {
        return switch (kind) {
            case POSTGRESQL -> tcp(port, Probe::postgres);
            case REDIS -> tcp(port, Probe::redis);
            case KAFKA -> tcp(port, Probe::kafka);
            case ELASTICSEARCH -> elasticsearch(port);
        };
    }

    /** Whether anything at all accepts connections on the port. */
    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private interface Conversation {
        boolean speaksProtocol(Socket socket) throws IOException;
    }

    private static Answer tcp(int port, Conversation conversation) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            return conversation.speaksProtocol(socket) ? Answer.ANSWERS : Answer.FOREIGN;
        } catch (ConnectException e) {
            return Answer.FREE;
        } catch (IOException e) {
            return Answer.FOREIGN;
        }
    }

    /** An SSLRequest: a PostgreSQL server answers with the single byte 'S' or 'N'. */
    private static boolean postgres(Socket socket) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(8);
        out.writeInt(80877103);
        out.flush();
        int reply = socket.getInputStream().read();
        return reply == 'N' || reply == 'S';
    }

    private static boolean redis(Socket socket) throws IOException {
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] reply = socket.getInputStream().readNBytes(7);
        String text = new String(reply, StandardCharsets.US_ASCII);
        // "-NOAUTH ..." is also Redis: a server with a password is still Redis on this port.
        return text.startsWith("+PONG") || text.startsWith("-NOAUTH") || text.startsWith("-ERR");
    }

    /** ApiVersions v0 with correlation id 7341: a broker echoes the correlation id. */
    private static boolean kafka(Socket socket) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(10);          // size of what follows
        out.writeShort(18);        // api key: ApiVersions
        out.writeShort(0);         // api version
        out.writeInt(7341);        // correlation id
        out.writeShort(-1);        // null client id
        out.flush();
        InputStream in = socket.getInputStream();
        DataInputStream data = new DataInputStream(in);
        int size = data.readInt();
        int correlationId = data.readInt();
        return size > 4 && correlationId == 7341;
    }

    private static Answer elasticsearch(int port) {
        if (!listening(port)) {
            return Answer.FREE;
        }
        try {
            HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofMillis(TIMEOUT_MS * 2L)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"cluster_name\"")
                ? Answer.ANSWERS : Answer.FOREIGN;
        } catch (IOException e) {
            return Answer.FOREIGN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.FOREIGN;
        }
    }

    /** Elasticsearch is ready once its cluster health is at least yellow. */
    static boolean elasticsearchHealthy(int port) {
        try {
            HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                    .timeout(Duration.ofSeconds(3)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
