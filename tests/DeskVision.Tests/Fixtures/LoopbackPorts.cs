using System.Net;
using System.Net.Sockets;

namespace DeskVision.Tests.Fixtures;

/// <summary>Ports on 127.0.0.1 for tests.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nothing listens on now: the system gives a free one, and it is let go at once.</summary>
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
