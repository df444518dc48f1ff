namespace EdgeInference.Greengrass.Emulator;

/// <summary>Base of every error raised by the nucleus emulator and its recipe runner.</summary>
public abstract class GreengrassEmulatorException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected GreengrassEmulatorException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The emulator could not start or was used in the wrong state (not started, unknown component, socket in use).</summary>
public sealed class EmulatorStateException(string message, Exception? innerException = null)
    : GreengrassEmulatorException(message, innerException);

/// <summary>A recipe could not be read, or has no manifest/lifecycle usable on this machine.</summary>
public sealed class RecipeException(string message, Exception? innerException = null)
    : GreengrassEmulatorException(message, innerException);

/// <summary>A lifecycle step failed (non-zero exit, timeout) or the process could not be started.</summary>
public sealed class ComponentLifecycleException(string componentName, string step, string message, Exception? innerException = null)
    : GreengrassEmulatorException($"{componentName} {step}: {message}", innerException)
{
    /// <summary>The component.</summary>
    public string ComponentName { get; } = componentName;

    /// <summary>The lifecycle step, e.g. <c>Install</c>.</summary>
    public string Step { get; } = step;
}

/// <summary>The IoT Core bridge could not reach or use the MQTT broker.</summary>
public sealed class MqttBridgeException(string message, Exception? innerException = null)
    : GreengrassEmulatorException(message, innerException);

/// <summary>An archive artifact was refused: it breaks an unpacking limit or an entry would land outside its folder.</summary>
public sealed class ArchiveException(string archivePath, string entryName, string rule, Exception? innerException = null)
    : GreengrassEmulatorException($"Refusing to unpack {archivePath}: entry '{entryName}' {rule}", innerException)
{
    /// <summary>The archive file.</summary>
    public string ArchivePath { get; } = archivePath;

    /// <summary>The offending entry as named in the archive (empty when the archive itself is unreadable).</summary>
    public string EntryName { get; } = entryName;

    /// <summary>The rule it broke.</summary>
    public string Rule { get; } = rule;
}

/// <summary>A deployment was refused before anything started: bad input, a rule of dependency resolution, a missing artifact.</summary>
public sealed class DeploymentRefusedException(string componentName, string rule, string message, Exception? innerException = null)
    : GreengrassEmulatorException($"{componentName}: {rule}: {message}", innerException)
{
    /// <summary>The component the problem is about (or the option, for malformed input).</summary>
    public string ComponentName { get; } = componentName;

    /// <summary>The rule that refused it, e.g. <c>dependency resolution</c>.</summary>
    public string Rule { get; } = rule;
}

/// <summary>A deployment failed after it started: a component ended BROKEN. Everything it started has been stopped.</summary>
public sealed class DeploymentFailedException(string componentName, string reason, Exception? innerException = null)
    : GreengrassEmulatorException($"Service {componentName} in broken state after deployment: {reason}", innerException)
{
    /// <summary>The component that broke.</summary>
    public string ComponentName { get; } = componentName;

    /// <summary>Why it broke (its last error).</summary>
    public string Reason { get; } = reason;
}

/// <summary>An artifact the selected manifest lists is not in the artifacts folder (or not with the recipe's digest).</summary>
public sealed class ArtifactMissingException(string componentId, string message)
    : GreengrassEmulatorException($"{componentId}: {message}")
{
    /// <summary>The component, as <c>name-vversion</c>.</summary>
    public string ComponentId { get; } = componentId;
}
