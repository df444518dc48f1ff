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
