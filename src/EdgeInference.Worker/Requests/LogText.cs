using System.Text;

namespace EdgeInference.Worker.Requests;

/// <summary>Text from requests made safe for a log line or a message: control characters escaped, length bounded.</summary>
public static class LogText
{
    public static string Escape(string? text, int maxLength = 128)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 8);
        foreach (var c in text)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append("…(").Append(text.Length).Append(" chars)");
                break;
            }

            if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
