using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Options;

/// <summary>
/// Binds a configuration section onto an options object the way the worker promises: every value is converted by the
/// key's own rules (enums by name only, numbers in the invariant culture, empty strings keep the default), and a key the
/// section does not have is refused with the nearest valid name, so a typo is never silently ignored.
/// </summary>
public static class StrictBinder
{
    /// <exception cref="OptionsValidationException">A key is unknown or a value does not convert; every problem is named.</exception>
    public static T Bind<T>(IConfiguration section, string sectionPath, T options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        BindObject(section, sectionPath, options, errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(sectionPath, typeof(T), errors);
        }

        return options;
    }

    /// <summary>Binds only <typeparamref name="T"/>'s own keys from the configuration root (which holds every section and the environment).</summary>
    /// <exception cref="OptionsValidationException">A value does not convert.</exception>
    public static T BindRootKeys<T>(IConfiguration root, T options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && IsScalar(p.PropertyType)))
        {
            var raw = root[property.Name];
            if (raw is null)
            {
                continue;
            }

            if (TryConvert(raw, property.PropertyType, out var value, out var problem))
            {
                if (value is not null || IsNullable(property.PropertyType))
                {
                    property.SetValue(options, value);
                }
            }
            else
            {
                errors.Add($"{property.Name}: {problem}");
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(string.Empty, typeof(T), errors);
        }

        return options;
    }

    /// <summary>Top-level sections whose name is one or two edits from a section the worker reads (<c>Modle:Path</c>).</summary>
    public static IReadOnlyList<string> MisspelledSections(IConfiguration root, IReadOnlyCollection<string> knownSections)
    {
        var errors = new List<string>();
        foreach (var child in root.GetChildren())
        {
            if (!child.GetChildren().Any() || knownSections.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var nearest = Nearest(child.Key, knownSections, maxDistance: 2);
            if (nearest is not null)
            {
                errors.Add($"Unknown configuration section '{child.Key}' (did you mean '{nearest}'?).");
            }
        }

        return errors;
    }

    private static void BindObject(IConfiguration section, string path, object target, List<string> errors)
    {
        var properties = target.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetSetMethod() is not null)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            var key = Join(path, child.Key);
            if (!properties.TryGetValue(child.Key, out var property))
            {
                var nearest = Nearest(child.Key, properties.Keys, maxDistance: 3);
                errors.Add(nearest is null
                    ? $"Unknown configuration key '{key}' (valid keys under {path}: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))})."
                    : $"Unknown configuration key '{key}' (did you mean '{Join(path, nearest)}'?).");
                continue;
            }

            if (IsScalar(property.PropertyType))
            {
                if (child.GetChildren().Any())
                {
                    errors.Add($"{key} must be a single value, not a section.");
                }
                else if (TryConvert(child.Value, property.PropertyType, out var value, out var problem))
                {
                    if (value is not null || IsNullable(property.PropertyType))
                    {
                        property.SetValue(target, value);
                    }
                }
                else
                {
                    errors.Add($"{key}: {problem}");
                }
            }
            else
            {
                var nested = property.GetValue(target) ?? Activator.CreateInstance(property.PropertyType)!;
                BindObject(child, key, nested, errors);
                property.SetValue(target, nested);
            }
        }
    }

    /// <summary>Converts one configuration value; an empty value means "the default" (null result, no error).</summary>
    private static bool TryConvert(string? raw, Type type, out object? value, out string problem)
    {
        value = null;
        problem = string.Empty;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            value = raw;
            return true;
        }

        if (string.IsNullOrWhiteSpace(raw))
        {
            return true;
        }

        var text = raw.Trim();
        if (underlying.IsEnum)
        {
            var names = Enum.GetNames(underlying);
            var match = names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                problem = $"'{raw}' is not one of {string.Join(", ", names.Select(n => n.ToLowerInvariant()))}.";
                return false;
            }

            value = Enum.Parse(underlying, match);
            return true;
        }

        if (underlying == typeof(bool))
        {
            if (bool.TryParse(text, out var flag))
            {
                value = flag;
                return true;
            }

            problem = $"'{raw}' is not true or false.";
            return false;
        }

        if (underlying == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
        {
            value = integer;
            return true;
        }

        if (underlying == typeof(long) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var wide))
        {
            value = wide;
            return true;
        }

        if (underlying == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            value = real;
            return true;
        }

        problem = $"'{raw}' is not a valid {(underlying == typeof(double) ? "number" : "whole number")}.";
        return false;
    }

    private static bool IsScalar(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal);
    }

    private static bool IsNullable(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    private static string Join(string path, string key) => string.IsNullOrEmpty(path) ? key : path + ":" + key;

    private static string? Nearest(string key, IEnumerable<string> candidates, int maxDistance) =>
        candidates
            .Select(c => (Name: c, Distance: Distance(key.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= maxDistance)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();

    /// <summary>Levenshtein distance (small strings only: configuration keys).</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
