using System.Net;
using System.Net.Sockets;

namespace Silo.TestKit;

/// <summary>
/// Finds a free TCP port on loopback. A port is handed out at most once per test process: the kernel may offer
/// a just-released port again, and two processes started side by side must not be given the same one.
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
