using System.Text;

namespace EdgeInference.Greengrass.Emulator.Tes;

/// <summary>The request line and headers of an HTTP/1.x request (the body of a credentials GET is ignored).</summary>
/// <param name="Method">e.g. <c>GET</c>.</param>
/// <param name="Path">The decoded path, without the query.</param>
/// <param name="Headers">Header values by case-insensitive name (the first of each).</param>
internal sealed record HttpRequestHead(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Most bytes read for a request head.</summary>
    public const int MaxHeadBytes = 16 * 1024;

    /// <summary>Where the head ends in <paramref name="buffer"/> (just after the blank line), or -1.</summary>
    public static int EndOfHead(ReadOnlySpan<byte> buffer)
    {
        var index = buffer.IndexOf("\r\n\r\n"u8);
        return index < 0 ? -1 : index + 4;
    }

    /// <summary>Parses a head; null when it is not an HTTP request.</summary>
    public static HttpRequestHead? Parse(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return null;
        }

        var target = requestLine[1];
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(query < 0 ? target : target[..query]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).TakeWhile(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }

        return new HttpRequestHead(requestLine[0], path, headers);
    }
}
