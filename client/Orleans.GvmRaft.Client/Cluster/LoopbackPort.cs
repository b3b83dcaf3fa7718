using System.Net;
using System.Net.Sockets;

namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>Free TCP ports on the loopback interface.</summary>
public static class LoopbackPort
{
    /// <summary>
    /// A port the OS reports free. It is released at once for the caller to bind, a race that only
    /// another process grabbing the very same port in that instant can lose.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
