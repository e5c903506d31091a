using System.Net.Sockets;
using System.Text;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>Writes bytes HttpClient refuses to send (smuggling shapes, bare CR in a header) and reads the status line.</summary>
public static class RawHttp
{
    /// <summary>Writes the request and reads everything the server sends until it closes the connection (10 s at most).</summary>
    public static async Task<string> ExchangeUntilClosedAsync(Uri baseAddress, string request)
    {
        using var client = await ConnectAndWriteAsync(baseAddress, request);
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var text = new StringBuilder();
        int read;
        while ((read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
        {
            text.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    public static async Task<int> SendAsync(Uri baseAddress, string request)
    {
        using var client = await ConnectAndWriteAsync(baseAddress, request);
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        var statusLine = text.ToString().Split("\r\n")[0];
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<TcpClient> ConnectAndWriteAsync(Uri baseAddress, string request)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(baseAddress.Host, baseAddress.Port).WaitAsync(TimeSpan.FromSeconds(10));
            await client.GetStream().WriteAsync(Encoding.Latin1.GetBytes(request)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
