using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EdgeInference.Worker.Models.Repository;

/// <summary>
/// The model repository folder: one <c>&lt;component&gt;.registration.json</c> per registered model component, written
/// by <c>models register</c>, and one <c>&lt;component&gt;.status.json</c> the worker answers with. Files are replaced
/// atomically (write a temporary file, then rename), so readers never see half a file.
/// </summary>
public sealed class ModelRepository
{
    public const string RegistrationSuffix = ".registration.json";
    public const string StatusSuffix = ".status.json";

    public ModelRepository(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
    }

    public string Folder { get; }

    /// <summary>Every registration file, parsed; a file that cannot be read is returned with its problem.</summary>
    public IReadOnlyList<RegistrationEntry> ReadAll()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        var entries = new List<RegistrationEntry>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*" + RegistrationSuffix).Order(StringComparer.Ordinal))
        {
            var component = Path.GetFileName(file)[..^RegistrationSuffix.Length];
            try
            {
                var registration = Read(file, RepositoryJsonContext.Default.ModelRegistration);
                entries.Add(registration is null
                    ? new RegistrationEntry(component, null, "the file is empty")
                    : registration.Component != component
                        ? new RegistrationEntry(component, null, $"the file names component '{registration.Component}'")
                        : new RegistrationEntry(component, registration, null));
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                entries.Add(new RegistrationEntry(component, null, ex.Message));
            }
        }

        return entries;
    }

    public ModelRegistration? ReadRegistration(string component) =>
        ReadIfExists(RegistrationFile(component), RepositoryJsonContext.Default.ModelRegistration);

    public RegistrationStatus? ReadStatus(string component) =>
        ReadIfExists(StatusFile(component), RepositoryJsonContext.Default.RegistrationStatus);

    public void Write(ModelRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        WriteAtomically(RegistrationFile(registration.Component), JsonSerializer.SerializeToUtf8Bytes(registration, RepositoryJsonContext.Default.ModelRegistration));
    }

    public void WriteStatus(string component, RegistrationStatus status) =>
        WriteAtomically(StatusFile(component), JsonSerializer.SerializeToUtf8Bytes(status, RepositoryJsonContext.Default.RegistrationStatus));

    /// <summary>Removes the component's registration and status; false when there was none.</summary>
    public bool Remove(string component)
    {
        var existed = File.Exists(RegistrationFile(component));
        if (Directory.Exists(Folder))
        {
            File.Delete(RegistrationFile(component));
            File.Delete(StatusFile(component));
        }

        return existed;
    }

    public void RemoveStatus(string component)
    {
        if (Directory.Exists(Folder))
        {
            File.Delete(StatusFile(component));
        }
    }

    public string RegistrationFile(string component) => Path.Combine(Folder, component + RegistrationSuffix);

    public string StatusFile(string component) => Path.Combine(Folder, component + StatusSuffix);

    private static T? ReadIfExists<T>(string file, JsonTypeInfo<T> info)
        where T : class
    {
        try
        {
            return File.Exists(file) ? Read(file, info) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    private static T? Read<T>(string file, JsonTypeInfo<T> info)
        where T : class
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > 64 * 1024)
        {
            throw new IOException($"{Path.GetFileName(file)} is {stream.Length:N0} bytes; a registration is at most 64 KB.");
        }

        return JsonSerializer.Deserialize(stream, info);
    }

    private void WriteAtomically(string file, byte[] content)
    {
        Directory.CreateDirectory(Folder);
        var temporary = Path.Combine(Folder, $".{Path.GetFileName(file)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, content);
            File.Move(temporary, file, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}

/// <param name="Component">The component the file is named after.</param>
/// <param name="Registration">The registration, or null when the file is unusable.</param>
/// <param name="Problem">Why the file is unusable.</param>
public sealed record RegistrationEntry(string Component, ModelRegistration? Registration, string? Problem);
