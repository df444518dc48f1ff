using EdgeInference.Core.Inference;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Heads.Ipc;
using EdgeInference.Worker.Heads.Mqtt;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Hosting;

/// <summary>Why the worker could not start, as its exit code and the lines it prints; classified by exception type only.</summary>
public sealed record StartupFailure(int ExitCode, string Title, IReadOnlyList<string> Reasons)
{
    /// <summary>The failure an exception stands for, or null when it is not one the worker expects (it then surfaces as is).</summary>
    public static StartupFailure? Classify(Exception exception)
    {
        switch (exception)
        {
            case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                var parts = aggregate.Flatten().InnerExceptions.Select(Classify).ToList();
                return parts.All(p => p is not null)
                    ? parts[0]! with { Reasons = [.. parts.SelectMany(p => p!.Reasons)] }
                    : null;
            case OptionsValidationException validation:
                return new(WorkerExitCodes.InvalidConfiguration, "Invalid configuration", [.. validation.Failures]);
            case FormatException format:
                return new(WorkerExitCodes.InvalidConfiguration, "Invalid configuration", [format.Message]);
            case InferenceRuntimeException runtime:
                return new(WorkerExitCodes.StartupFailed, "The inference runtime cannot be used", [runtime.Message]);
            case ModelPackageException package:
                return new(WorkerExitCodes.ModelUnusable, "The model package cannot be served", [package.Message]);
            case AcceleratorUnavailableException accelerator:
                return new(WorkerExitCodes.AcceleratorUnavailable, "The requested accelerator is unavailable", [accelerator.Message]);

            case EmbeddedBrokerException or MqttHeadException or IpcHeadException or GreengrassConfigurationException or GreengrassConnectionException:
                return new(WorkerExitCodes.StartupFailed, "The worker could not start", [exception.Message]);
            case TypeInitializationException or DllNotFoundException:
                var reason = exception is TypeInitializationException { InnerException: { } inner } ? $"{exception.Message} {inner.Message}" : exception.Message;
                if (reason.Contains("libgtk-3", StringComparison.Ordinal) || reason.Contains("OpenCvSharpExtern", StringComparison.Ordinal))
                {
                    reason += " — OpenCV's native library or one of its dependencies is missing: on Debian/Ubuntu run 'apt-get install -y libgtk-3-0'.";
                }

                return new(WorkerExitCodes.StartupFailed, "The worker could not start", [reason]);
            default:
                return null;
        }
    }
}
