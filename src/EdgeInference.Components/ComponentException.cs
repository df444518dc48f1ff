namespace EdgeInference.Components;

/// <summary>Base of the component build/publish failures the CLI reports as one clear line.</summary>
public class ComponentException : Exception
{
    public ComponentException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>gdk-config.json is missing or breaks GDK's rules.</summary>
public sealed class GdkConfigException(string message, Exception? innerException = null) : ComponentException(message, innerException);

/// <summary>A build step (dotnet publish, zipping, layout) failed.</summary>
public sealed class ComponentBuildException(string message, Exception? innerException = null) : ComponentException(message, innerException);

/// <summary>Publishing failed after the AWS calls succeeded (e.g. the component version ended FAILED).</summary>
public sealed class ComponentPublishException(string message, Exception? innerException = null) : ComponentException(message, innerException);

/// <summary>A recipe that cannot be rendered or accepted (a rule it breaks, an artifact that was not built).</summary>
public sealed class RecipeException(string message, Exception? innerException = null) : ComponentException(message, innerException);
