using System.Globalization;
using System.Text;

namespace EdgeInference.Aws.Signing;

/// <summary>
/// The parts of a SigV4 canonical request as botocore (the AWS CLI) writes them for REST-JSON services, shared by the
/// signer (<see cref="SigV4RequestSigner"/>) and the server-side check of <c>lookoutvision-api</c>, so both compute the
/// same string from the same wire request.
/// </summary>
public static class SigV4Canonical
{
    /// <summary>The path as sent on the wire (already percent-encoded), quoted once more keeping only unreserved characters, '/' and '~'.</summary>
    public static string Path(string encodedPath)
    {
        var path = string.IsNullOrEmpty(encodedPath) ? "/" : encodedPath;
        var builder = new StringBuilder(path.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(path))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The query exactly as encoded on the wire (with or without its '?'), pairs sorted by name then value.</summary>
    public static string Query(string rawQuery)
    {
        var query = rawQuery.TrimStart('?');
        if (query.Length == 0)
        {
            return string.Empty;
        }

        var pairs = query.Split('&')
            .Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                return equals < 0 ? (Key: pair, Value: string.Empty) : (Key: pair[..equals], Value: pair[(equals + 1)..]);
            })
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>A header value as signed: trimmed, runs of whitespace collapsed to one space.</summary>
    public static string HeaderValue(string value) =>
        string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
