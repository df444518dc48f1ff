using System.Net;
using System.Net.Sockets;

namespace EdgeInference.Bench;

/// <summary>Ports the bench hands to the processes it starts (workers' embedded brokers, mosquitto).</summary>
internal static class LoopbackPort
{
    /// <summary>A loopback port the OS has just given out and taken back: free unless another process takes it first.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
