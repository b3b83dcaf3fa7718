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

    /// <summary>
    /// <paramref name="count"/> distinct free ports: all are held until the last is found, since
    /// the OS may hand a port just released to the very next request.
    /// </summary>
    public static int[] Free(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
