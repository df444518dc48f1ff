namespace EdgeInference.Cli.Component;

/// <summary>Base of the component build/publish failures the CLI reports as one clear line.</summary>
internal class ComponentException : Exception
{
    public ComponentException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>gdk-config.json is missing or breaks GDK's rules.</summary>
internal sealed class GdkConfigException(string message, Exception? innerException = null) : ComponentException(message, innerException);

/// <summary>A build step (dotnet publish, zipping, layout) failed.</summary>
internal sealed class ComponentBuildException(string message, Exception? innerException = null) : ComponentException(message, innerException);

/// <summary>Publishing failed after the AWS calls succeeded (e.g. the component version ended FAILED).</summary>
internal sealed class ComponentPublishException(string message, Exception? innerException = null) : ComponentException(message, innerException);
