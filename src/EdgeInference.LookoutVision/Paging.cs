using System.Text;
using EdgeInference.Packaging;

namespace EdgeInference.LookoutVision;

/// <summary>MaxResults / NextToken paging as the service does it (the token is an opaque offset).</summary>
internal static class Paging
{
    public static (IReadOnlyList<T> Page, string? NextToken) Take<T>(IReadOnlyList<T> all, int? maxResults, string? nextToken, int limit = 100)
    {
        if (maxResults is < 1 || maxResults > limit)
        {
            throw new PackagingValidationException($"MaxResults must be 1-{limit} (got {maxResults}).");
        }

        var offset = 0;
        if (!string.IsNullOrEmpty(nextToken))
        {
            try
            {
                var text = Encoding.ASCII.GetString(Convert.FromBase64String(nextToken));
                if (!text.StartsWith("offset:", StringComparison.Ordinal) || !int.TryParse(text.AsSpan(7), out offset) || offset < 0)
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw new PackagingValidationException($"NextToken '{nextToken}' is not a token this service returned.");
            }
        }

        var page = all.Skip(offset).Take(maxResults ?? limit).ToList();
        var next = offset + page.Count < all.Count ? Convert.ToBase64String(Encoding.ASCII.GetBytes($"offset:{offset + page.Count}")) : null;
        return (page, next);
    }
}
