using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Options;

/// <summary>Startup checks of every option; each failure names its configuration key and the value given.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    private readonly IConfiguration? _configuration;
    private readonly IReadOnlyCollection<string> _sections;

    public WorkerOptionsValidator(IConfiguration? configuration = null, IReadOnlyCollection<string>? sections = null)
    {
        _configuration = configuration;
        _sections = sections ?? [];
    }

    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var errors = new List<string>();
        if (_configuration is not null)
        {
            errors.AddRange(StrictBinder.MisspelledSections(_configuration, _sections));
        }

        if (!TopicRules.IsTopicLevel(options.EffectiveThingName))
        {
            errors.Add($"ThingName must be a single topic level without '/', '+', '#' or control characters (got '{options.EffectiveThingName}').");
        }

        return Result(errors);
    }

    internal static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}

internal sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var errors = new List<string>();
        if (options.IntraOpThreads is < 0 or > 256)
        {
            errors.Add($"Model:IntraOpThreads must be 0 (every core) to 256 (got {options.IntraOpThreads}).");
        }

        if (options.GpuDeviceId < 0)
        {
            errors.Add($"Model:GpuDeviceId must not be negative (got {options.GpuDeviceId}).");
        }

        var path = options.EffectivePath;
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            errors.Add($"Model:Path '{path}' does not exist (a model package folder or .zip).");
        }

        if (OnnxRuntimeLibraryProblem(options) is { } library)
        {
            errors.Add(library);
        }

        return WorkerOptionsValidator.Result(errors);
    }

    /// <summary>
    /// A configured ONNX Runtime library is checked at startup (exists, is a shared library, is ONNX Runtime recent
    /// enough for the bindings) so a bad one stops the worker with the reason instead of failing inside ONNX Runtime;
    /// once one library runs, a configuration update cannot switch to another.
    /// </summary>
    private static string? OnnxRuntimeLibraryProblem(ModelOptions options)
    {
        var wanted = options.EffectiveOnnxRuntimeLibrary;
        if (EdgeInference.Onnx.Runtime.OnnxRuntimeLibrary.Current is { } current)
        {
            var running = current.Source == EdgeInference.Onnx.Runtime.OnnxRuntimeLibrary.BundledSource ? null : current.Library;
            return wanted == running
                ? null
                : $"Model:OnnxRuntimeLibrary cannot change while the worker runs (it runs ONNX Runtime {current.Version} from {current.Library}): restart the worker to use '{wanted ?? "the bundled library"}'.";
        }

        if (wanted is null)
        {
            return null;
        }

        try
        {
            EdgeInference.Onnx.Runtime.OnnxRuntimeLibrary.Inspect(wanted);
            return null;
        }
        catch (EdgeInference.Core.Inference.InferenceRuntimeException ex)
        {
            return ex.Message;
        }
    }
}

internal sealed class ModelsOptionsValidator : IValidateOptions<ModelsOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelsOptions options)
    {
        var errors = new List<string>();
        if (options.RescanSeconds is < 1 or > 3600)
        {
            errors.Add($"Models:RescanSeconds must be 1 to 3600 (got {options.RescanSeconds}).");
        }

        if (!string.IsNullOrEmpty(options.Default) && !ModelNames.IsValid(options.Default))
        {
            errors.Add($"Models:Default must be a model name ({ModelNames.Rule}) (got '{options.Default}').");
        }

        return WorkerOptionsValidator.Result(errors);
    }
}

internal sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var errors = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Mqtt:Port must be 1 to 65535 (got {options.Port}).");
        }

        if (options.KeepAliveSeconds is < 1 or > 65535)
        {
            errors.Add($"Mqtt:KeepAliveSeconds must be 1 to 65535 (got {options.KeepAliveSeconds}).");
        }

        if (options.SessionExpirySeconds is < 0 or > uint.MaxValue)
        {
            errors.Add($"Mqtt:SessionExpirySeconds must be 0 (clean session) to {uint.MaxValue} (got {options.SessionExpirySeconds}).");
        }

        if (options.BufferSize is < 4096 or > 16 * 1024 * 1024)
        {
            errors.Add($"Mqtt:BufferSize must be 4096 to 16777216 (got {options.BufferSize}).");
        }

        IPAddress? bindAddress = null;
        if (options.UsesEmbeddedBroker && !IPAddress.TryParse(options.EmbeddedBindAddress, out bindAddress))
        {
            errors.Add($"Mqtt:EmbeddedBindAddress must be an IP address (got '{options.EmbeddedBindAddress}').");
        }
        else if (bindAddress is not null && !IPAddress.IsLoopback(bindAddress) && string.IsNullOrEmpty(options.Username))
        {
            errors.Add($"Mqtt:EmbeddedBindAddress {options.EmbeddedBindAddress} opens the embedded broker beyond this machine: set Mqtt:Username and Mqtt:Password (clients must then present them), or keep the loopback default.");
        }

        if (!string.IsNullOrEmpty(options.SharedGroup))
        {
            if (!TopicRules.IsTopicLevel(options.SharedGroup))
            {
                errors.Add($"Mqtt:SharedGroup must be one topic level without '/', '+', '#' or control characters (got '{options.SharedGroup}').");
            }

            if (options.UsesEmbeddedBroker)
            {
                errors.Add("Mqtt:SharedGroup needs an external broker (set Mqtt:Host): the embedded MQTTnet broker has no shared subscriptions.");
            }
        }

        if (!string.IsNullOrEmpty(options.Password) && string.IsNullOrEmpty(options.Username))
        {
            errors.Add("Mqtt:Password is set without Mqtt:Username.");
        }

        var tls = options.Tls;
        if (tls.Enabled)
        {
            if (options.UsesEmbeddedBroker)
            {
                errors.Add("Mqtt:Tls:Enabled needs an external broker (set Mqtt:Host): the embedded broker listens on plain TCP.");
            }

            CheckFile(errors, "Mqtt:Tls:CaFile", tls.CaFile);
            CheckFile(errors, "Mqtt:Tls:CertFile", tls.CertFile);
            CheckFile(errors, "Mqtt:Tls:KeyFile", tls.KeyFile);
            if (string.IsNullOrEmpty(tls.CertFile) != string.IsNullOrEmpty(tls.KeyFile))
            {
                errors.Add("Mqtt:Tls:CertFile and Mqtt:Tls:KeyFile go together (mutual TLS needs both).");
            }
        }

        return WorkerOptionsValidator.Result(errors);
    }

    private static void CheckFile(List<string> errors, string key, string? path)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            errors.Add($"{key} '{path}' does not exist.");
        }
    }
}

internal sealed class TopicOptionsValidator : IValidateOptions<TopicOptions>
{
    public ValidateOptionsResult Validate(string? name, TopicOptions options)
    {
        var errors = new List<string>();
        Check(errors, "Topics:Request", options.Request);
        Check(errors, "Topics:Result", options.Result);
        Check(errors, "Topics:Describe", options.Describe);
        Check(errors, "Topics:Status", options.Status);
        CheckModelTopic(errors, "Topics:ModelRequest", options.ModelRequest);
        CheckModelTopic(errors, "Topics:ModelResult", options.ModelResult);
        var all = new[] { options.Request, options.Result, options.Describe, options.Status, options.ModelRequest, options.ModelResult };
        if (all.Distinct(StringComparer.Ordinal).Count() != all.Length)
        {
            errors.Add("Topics:Request, Result, ModelRequest, ModelResult, Describe and Status must all differ.");
        }

        return WorkerOptionsValidator.Result(errors);
    }

    private static void Check(List<string> errors, string key, string? topic)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            errors.Add($"{key} must not be empty.");
        }
        else if (!TopicRules.IsPlainTopic(topic) || topic.Contains(TopicOptions.ModelNameToken, StringComparison.Ordinal))
        {
            errors.Add($"{key} must be a plain topic without wildcards, control characters, {TopicOptions.ModelNameToken} or a leading '$' (got '{topic}').");
        }
    }

    private static void CheckModelTopic(List<string> errors, string key, string? topic)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            errors.Add($"{key} must not be empty.");
            return;
        }

        var levels = topic.Split('/');
        if (levels.Count(l => l == TopicOptions.ModelNameToken) != 1 || topic.Split(TopicOptions.ModelNameToken).Length != 2)
        {
            errors.Add($"{key} must hold {TopicOptions.ModelNameToken} exactly once, as a whole topic level (got '{topic}').");
        }
        else if (!TopicRules.IsPlainTopic(topic.Replace(TopicOptions.ModelNameToken, "m", StringComparison.Ordinal)))
        {
            errors.Add($"{key} must be a plain topic without wildcards, control characters or a leading '$' (got '{topic}').");
        }
    }
}

internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var errors = new List<string>();
        if (options.MaxPayloadBytes is < 1024 or > 256L * 1024 * 1024)
        {
            errors.Add($"Limits:MaxPayloadBytes must be 1024 to 268435456 (got {options.MaxPayloadBytes}).");
        }

        if (options.MaxImagePixels is < 1 or > 1L << 30)
        {
            errors.Add($"Limits:MaxImagePixels must be 1 to 1073741824 (got {options.MaxImagePixels}).");
        }

        if (options.MaxConcurrentRequests is < 1 or > 64)
        {
            errors.Add($"Limits:MaxConcurrentRequests must be 1 to 64 (got {options.MaxConcurrentRequests}).");
        }

        if (options.MaxQueue is < 0 or > 100_000)
        {
            errors.Add($"Limits:MaxQueue must be 0 to 100000 (got {options.MaxQueue}).");
        }

        if (options.MaxConcurrentRuns is < 1 or > 64)
        {
            errors.Add($"Limits:MaxConcurrentRuns must be 1 to 64 (got {options.MaxConcurrentRuns}).");
        }

        if (options.MaxBatchSize is < 0 or > 256)
        {
            errors.Add($"Limits:MaxBatchSize must be 0 (auto: batch on GPU providers only), 1 (no batching) or up to 256 (got {options.MaxBatchSize}).");
        }
        else if (options.MaxBatchSize > options.MaxConcurrentRequests)
        {
            errors.Add($"Limits:MaxBatchSize ({options.MaxBatchSize}) exceeds Limits:MaxConcurrentRequests ({options.MaxConcurrentRequests}): a batch is made of requests in progress; raise MaxConcurrentRequests or lower MaxBatchSize.");
        }

        if (!(options.BatchDelayMilliseconds is >= 0 and <= 1000))
        {
            errors.Add($"Limits:BatchDelayMilliseconds must be 0 to 1000 (got {options.BatchDelayMilliseconds}).");
        }

        return WorkerOptionsValidator.Result(errors);
    }
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        if (options.IntervalSeconds is < 0 or > 86_400)
        {
            errors.Add($"Metrics:IntervalSeconds must be 0 (off) to 86400 (got {options.IntervalSeconds}).");
        }

        if (string.IsNullOrWhiteSpace(options.Topic) || !TopicRules.IsPlainTopic(options.Topic))
        {
            errors.Add($"Metrics:Topic must be a plain topic without wildcards, control characters or a leading '$' (got '{options.Topic}').");
        }

        if (!string.IsNullOrEmpty(options.CloudWatchTopic) && !TopicRules.IsPlainTopic(options.CloudWatchTopic))
        {
            errors.Add($"Metrics:CloudWatchTopic must be a plain topic without wildcards (got '{options.CloudWatchTopic}').");
        }

        if (string.IsNullOrWhiteSpace(options.CloudWatchNamespace) || options.CloudWatchNamespace.Length > 255 || options.CloudWatchNamespace.StartsWith(':'))
        {
            errors.Add($"Metrics:CloudWatchNamespace must be 1 to 255 characters, not starting with ':' (got '{options.CloudWatchNamespace}').");
        }

        return WorkerOptionsValidator.Result(errors);
    }
}

internal sealed class GreengrassOptionsValidator : IValidateOptions<GreengrassOptions>
{
    public ValidateOptionsResult Validate(string? name, GreengrassOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrEmpty(options.AccountId) && (options.AccountId.Length != 12 || !options.AccountId.All(char.IsAsciiDigit)))
        {
            errors.Add($"Greengrass:AccountId must be a 12-digit AWS account id (got '{options.AccountId}').");
        }

        if (!string.IsNullOrEmpty(options.StsEndpoint) && !Uri.TryCreate(options.StsEndpoint, UriKind.Absolute, out _))
        {
            errors.Add($"Greengrass:StsEndpoint must be an absolute URL (got '{options.StsEndpoint}').");
        }

        return WorkerOptionsValidator.Result(errors);
    }
}
