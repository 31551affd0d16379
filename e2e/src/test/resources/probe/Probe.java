import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A caller inside a pod (run by the JDK's source launcher): one HTTP/1.1 GET to host:port path,
 * addressed by Host as a client in the cluster would; its status line goes to the termination
 * message, where the test reads it.
 */
public class Probe {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String path = args[2];
    String status;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 10_000);
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      status = in.readLine();
    } catch (Exception e) {
      status = "error: " + e;
    }
    Files.writeString(Path.of("/dev/termination-log"), String.valueOf(status));
    System.out.println(status);
  }
}
