using System.Text;
using System.Text.Json.Nodes;

namespace EdgeInference.Aws.Output;

/// <summary>
/// The AWS CLI's <c>--output table</c>, simplified: a boxed, titled section per object or list; scalar fields as a header row
/// and value rows; nested objects and lists as boxed sub-sections inside their parent.
/// </summary>
public static class AwsTableFormat
{
    public static void Write(TextWriter writer, JsonNode? value, string title)
    {
        var section = Build(title, value);
        var width = section.RequiredWidth();
        writer.Write(new string('-', width));
        writer.Write('\n');
        foreach (var line in section.Render(width))
        {
            writer.Write(line);
            writer.Write('\n');
        }
    }

    private static Section Build(string title, JsonNode? value)
    {
        var section = new Section(title);
        switch (value)
        {
            case JsonObject obj:
                var scalarFields = obj.Where(p => JsonScalars.IsScalar(p.Value)).ToList();
                if (scalarFields.Count > 0)
                {
                    section.Headers.AddRange(scalarFields.Select(p => p.Key));
                    section.Rows.Add(scalarFields.Select(p => JsonScalars.ToText(p.Value)).ToList());
                }

                foreach (var (key, nested) in obj.Where(p => !JsonScalars.IsScalar(p.Value)))
                {
                    section.Children.Add(Build(key, nested));
                }

                break;
            case JsonArray array:
                var objects = array.OfType<JsonObject>().ToList();
                var keys = objects.SelectMany(o => o.Where(p => JsonScalars.IsScalar(p.Value)).Select(p => p.Key))
                    .Distinct(StringComparer.Ordinal).ToList();
                section.Headers.AddRange(keys);
                foreach (var element in array)
                {
                    if (element is JsonObject o)
                    {
                        if (keys.Count > 0)
                        {
                            section.Rows.Add(keys.Select(k => o.TryGetPropertyValue(k, out var v) && v is not null ? JsonScalars.ToText(v) : string.Empty).ToList());
                        }

                        foreach (var (key, nested) in o.Where(p => !JsonScalars.IsScalar(p.Value)))
                        {
                            section.Children.Add(Build(key, nested));
                        }
                    }
                    else if (JsonScalars.IsScalar(element))
                    {
                        section.Rows.Add([JsonScalars.ToText(element)]);
                    }
                    else
                    {
                        section.Children.Add(Build(title, element));
                    }
                }

                break;
            default:
                section.Rows.Add([JsonScalars.ToText(value)]);
                break;
        }

        return section;
    }

    private sealed class Section(string title)
    {
        private const int CellPadding = 2;

        public string Title { get; } = title;
        public List<string> Headers { get; } = [];
        public List<List<string>> Rows { get; } = [];
        public List<Section> Children { get; } = [];

        private int ColumnCount => Math.Max(Headers.Count, Rows.Count == 0 ? 0 : Rows.Max(r => r.Count));

        public int RequiredWidth()
        {
            var width = Title.Length + 2 * CellPadding + 2;
            var columns = ColumnWidths();
            if (columns.Length > 0)
            {
                width = Math.Max(width, columns.Sum() + columns.Length + 1);
            }

            foreach (var child in Children)
            {
                width = Math.Max(width, child.RequiredWidth() + 2);
            }

            return width;
        }

        /// <summary>The section's lines at <paramref name="width"/> characters, top border excluded (the parent draws it).</summary>
        public IEnumerable<string> Render(int width)
        {
            var inner = width - 2;
            yield return "|" + Center(Title, inner) + "|";
            var columns = Stretch(ColumnWidths(), width);
            if (columns.Length > 0)
            {
                yield return Border(columns, '+');
                if (Headers.Count > 0)
                {
                    yield return Line(columns, Headers, center: true);
                    yield return Border(columns, '+');
                }

                foreach (var row in Rows)
                {
                    yield return Line(columns, row, center: false);
                }
            }

            foreach (var child in Children)
            {
                yield return "+" + new string('-', inner) + "+";
                foreach (var line in child.Render(inner))
                {
                    yield return "|" + line + "|";
                }
            }

            yield return "+" + new string('-', inner) + "+";
        }

        private int[] ColumnWidths()
        {
            var widths = new int[ColumnCount];
            for (var i = 0; i < widths.Length; i++)
            {
                var header = i < Headers.Count ? Headers[i].Length : 0;
                var cells = Rows.Select(r => i < r.Count ? r[i].Length : 0).DefaultIfEmpty(0).Max();
                widths[i] = Math.Max(header, cells) + 2 * CellPadding;
            }

            return widths;
        }

        private static int[] Stretch(int[] columns, int width)
        {
            if (columns.Length == 0)
            {
                return columns;
            }

            var used = columns.Sum() + columns.Length + 1;
            columns[^1] += width - used;
            return columns;
        }

        private static string Border(int[] columns, char joint) =>
            joint + string.Join(joint, columns.Select(w => new string('-', w))) + joint;

        private static string Line(int[] columns, IReadOnlyList<string> cells, bool center)
        {
            var builder = new StringBuilder("|");
            for (var i = 0; i < columns.Length; i++)
            {
                var cell = i < cells.Count ? cells[i] : string.Empty;
                builder.Append(center ? Center(cell, columns[i]) : (new string(' ', CellPadding) + cell).PadRight(columns[i]));
                builder.Append('|');
            }

            return builder.ToString();
        }

        private static string Center(string text, int width)
        {
            var left = Math.Max(0, (width - text.Length) / 2);
            return (new string(' ', left) + text).PadRight(width);
        }
    }
}
