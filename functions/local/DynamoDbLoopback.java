/**
 * Starts AWS's DynamoDB Local bound to 127.0.0.1 only. Its own main builds Jetty's Server(port),
 * which listens on every interface and has no flag to change it: a stack on a laptop in a cafe
 * must not serve its registrations to the network. This builds the same server from the same
 * flags, moves each connector to the loopback address, then starts it. Run as a single-file
 * source program (`java -cp <jar> DynamoDbLoopback.java <flags>`): reflection only, so it
 * compiles without the jar's classes.
 */
public class DynamoDbLoopback {
  public static void main(String[] args) throws Exception {
    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    java.lang.reflect.Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object jetty = field.get(proxy);
    for (Object connector : (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty)) {
      connector.getClass().getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
    }
    proxy.getClass().getMethod("start").invoke(proxy);
    // The Node process that started it holds its stdin: when that process is gone, however it
    // ended (even SIGKILL), stdin ends and so does this server, instead of outliving the stack.
    Thread guard = new Thread(() -> {
      try {
        while (System.in.read() != -1) {}
      } catch (java.io.IOException ignored) {
      }
      System.exit(0);
    });
    guard.setDaemon(true);
    guard.start();
  }
}
